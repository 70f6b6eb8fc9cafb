// Help texts of the `mla` command line (docs/guide.md, command line).

export const MAIN_HELP = `mla: train and evaluate multimodal classifiers with MLA (alternating unimodal adaptation)

Usage:
  mla train <config.mla.json> [--seed N] [--epochs N] [--runs-dir DIR] [--backend B]
  mla train --resume <run-dir> [--epochs N] [--backend B]
  mla validate <config.mla.json | dataset.json>
  mla eval <run-dir> [--samples i,j,k] [--checkpoint best|latest|N] [--out FILE]
  mla compare <runs | run-dirs | configs>... [--metric test|val] [--epoch best|last|N] [--reference METHOD]
              [--format markdown|csv|latex|json]
  mla example [DIR]
  mla doctor [--json]
  mla init DIR [--labels FILE] [--name NAME] [--modalities a=file1,b=file2] [--test-fraction F] [--seed N] [--yes]
  mla sweep <file.sweep.json> [--executor local|slurm] [--dry-run] [--wait] [--runs-dir DIR]

Run "mla <command> --help" for the options of a command.
`;

export const TRAIN_HELP = `mla train: train one run per seed of a config (one after another), or resume a run

Usage:
  mla train <config.mla.json> [options]
  mla train --resume <run-dir> [--epochs N] [--backend B] [--threads N]

Options:
  --seed N          train only this seed (repeatable); default: every seed in the config
  --epochs N        override training.epochs (with --resume: train up to N epochs in total)
  --runs-dir DIR    where run folders go; default: .mla/runs in the config's workspace
                    (the nearest folder above the config with .git, .vscode or .mla)
  --backend B       auto | tensorflow-gpu | tensorflow | webgpu | wasm | cpu (default: the config's, then auto)
  --threads N       threads of the wasm backend's products and convolutions (default: the config's "threads";
                    auto = every core, or the share MLA_THREADS gives when several runs train at once);
                    results are the same bits whatever N
  --resume DIR      continue a stopped or interrupted run from its latest checkpoint
  --json            print one JSON event per line on stdout instead of the progress display
  --group ID        seed-group id recorded in each run (default: one per command)
  --quiet           print only the final summary
  -h, --help        show this help

Ctrl-C (SIGINT) or SIGTERM finishes the current batch, writes a checkpoint and marks the run "stopped";
"mla train --resume <run-dir>" continues it exactly. A second Ctrl-C quits at once.
Exit codes: 0 completed or stopped, 1 a run failed, 2 bad command line or config.
`;

export const VALIDATE_HELP = `mla validate: check a config and its dataset without training

Usage:
  mla validate <config.mla.json>
  mla validate <dataset.json>      (a dataset manifest on its own: keys, files, row counts, masks)

Prints every problem as "file:line:col: severity: message" and exits 1 if any is an error
(0 when there are only warnings or none). The same checks run in the editor and before training.
`;

export const EVAL_HELP = `mla eval: re-evaluate a checkpoint of a run and write per-sample fusion records

Usage:
  mla eval <run-dir> [--samples i,j,k] [--checkpoint best|latest|N] [--out FILE]

Options:
  --checkpoint C    best (default: the best validation epoch's), latest, or an epoch number
  --samples LIST    test-split positions (0-based, comma-separated, ranges like 10-20 allowed);
                    their fusion records are printed on stdout as JSON lines
  --out FILE        where to write the fusion records (default: <run-dir>/eval/fusion-epoch-NNNN.jsonl)
                    while a trainer works on the run, only a FILE outside the run folder is allowed
  --json            print the scores as one JSON object instead of a table
  -h, --help        show this help
`;

export const COMPARE_HELP = `mla compare: the comparison table of configs and methods, with significance over seeds

Usage:
  mla compare <run-dir | runs-dir | config.mla.json>... [options]

A config stands for its runs in its default runs folder (.mla/runs in its workspace). Rows are config and
method, columns the modalities and the multimodal (fused) prediction; cells are mean ± sample std over seeds
with n; the best mean of a column is bold, the second underlined. Each row is tested against the reference
method on the multimodal column: a paired t-test over matching seeds (two-sided), Holm-corrected across rows,
with the 95% t confidence interval of the difference. Runs that differ in anything but the method and its own
options (splits, model, optimizer, schedule, epochs, batch size, preprocessing) are refused.

Runs of several datasets give one such table per dataset, then the methods ranked across the datasets: on
each dataset the multimodal means ranked (1 best, ties averaged), the average ranks, Friedman's chi-square
and Iman-Davenport's F that the methods differ at all, Nemenyi's critical difference (alpha 0.05) and the
groups of methods whose average ranks lie within it (Demsar 2006).

Options:
  --metric M        test (default) or val: the split whose accuracy fills the cells
  --epoch E         best (default: the best validation epoch, never chosen on test), last, or an epoch number
  --reference M     the method the rows are tested against (default: joint, when a row has it)
  --format F        markdown (default), csv, latex (a booktabs table) or json
  --missing-grid R  comma-separated missing rates in [0, 1), e.g. 0,0.1,0.3,0.5,0.7: evaluate each run's
                    checkpoint (per --epoch) on its test split with each test sample dropping each modality
                    with probability r, the mask drawn from the run's seed; one column per rate of fused
                    accuracy. No retraining, nothing written into the run folders
  --missing-combos C  comma-separated modality combinations, each joined by +, e.g. audio,video,audio+video:
                    a column each where every test sample has exactly those modalities (with or without
                    --missing-grid)
  -h, --help        show this help
`;

export const EXAMPLE_HELP = `mla example: write the built-in example project

Usage:
  mla example [DIR]     (default DIR: ./mla-example)

Writes DIR/data/ (a generated dataset: 1500 samples, 5 classes, modalities "strong", "medium" and "weak"
of clearly different strength) and two configs of the same model: example-mla.mla.json (MLA) and
example-joint.mla.json (the joint-training baseline that shows modality laziness). Existing configs are kept.
`;

export const DOCTOR_HELP = `mla doctor: what this machine can train on

Usage:
  mla doctor [--json] [--budget SECONDS]

Lists each backend (tensorflow-gpu, tensorflow, webgpu, wasm, cpu) and whether it loads, with the reason
when it does not; the WebGPU adapters and their key limits; and a speed probe of each backend that loads
(matmul GFLOP/s and the step time of an MLP 784-512-256-10 with Adam at batch 64), about --budget seconds
in all (default 5). A software adapter (lavapipe, llvmpipe, SwiftShader) is listed but not used unless
MLA_WEBGPU_ALLOW_SOFTWARE=1.

Options:
  --json            print the report as one JSON object
  --budget S        seconds for the speed probes together (default 5)
  -h, --help        show this help
Exit codes: 0 some backend loads, 1 none does.
`;

export const INIT_HELP = `mla init: make a project from a folder of arrays (a dataset manifest and two configs)

Usage:
  mla init DIR [options]

Lists every .npy, .csv, .csv.gz and .txt file in DIR with its shape, then writes into DIR:
dataset.json, NAME.mla.json (MLA) and NAME-joint.mla.json (the joint-training baseline of the same model),
and, when DIR has no split files, split_train.txt and split_test.txt (a seeded split, stratified by class).
Every mismatch (row counts, labels that are not integers, a 1-D file as a modality, a mask of the wrong
shape) is reported before anything is written; existing files are never overwritten.

Options:
  --labels FILE           the labels file (default: the file named labels.*, label.*, y.* or targets.*)
  --modalities LIST       a=file1,b=file2: the modality files and their names, in training order
                          (default: every other array file, named after its file)
  --name NAME             project and config name (default: the folder's name)
  --classes LIST          class names, comma-separated, index = label (default: "0".."C-1")
  --test-fraction F       share of each class in the written test split (default: 0.2)
  --seed N                seed of the written split (default: 0)
  -y, --yes               write without asking (on a terminal it shows the plan and asks first)
  -h, --help              show this help

Found by name: split files (*train*, *val*, *test* index lists, used as they are) and presence masks
(<modality>_present.*, <modality>_mask.*).
`;

export const SWEEP_HELP = `mla sweep: run every trial of a sweep (hyperparameters × seeds), here or as a Slurm array job

Usage:
  mla sweep <file.sweep.json> [options]

Options:
  --executor E      local (default): up to maxParallel trainer processes on this machine (default: one per
                    core), the rest queued; slurm: one sbatch --array job, each task one trial
  --dry-run         print every expanded config and the counts; start nothing
  --wait            (slurm) return when every trial has ended; local always waits
  --stop            (slurm) scancel the sweep's jobs; each running trial checkpoints
  --runs-dir DIR    where run folders go; default: .mla/runs in the sweep file's workspace
  --json            print one JSON event per line on stdout
  --partition P, --time T, --mem M, --gpus N, --sbatch LINE (repeatable), --setup LINE (repeatable)
                    (slurm) used where the sweep file's "slurm" leaves them out; the file's values win
  -h, --help        show this help

Every expanded config is validated before anything starts. Each trial is a run folder named
<sweep>_<trial id>_s<seed>; re-running the sweep skips completed trials and resumes stopped ones.
Ctrl-C (SIGINT) or SIGTERM stops every running trial with a checkpoint.
Exit codes: 0 every trial completed (or submitted, slurm without --wait), 1 a trial failed or stopped,
2 bad command line or sweep file.
`;
