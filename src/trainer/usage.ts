// Help texts of the `mla` command line (FORMATS.md §3).

export const MAIN_HELP = `mla: train and evaluate multimodal classifiers with MLA (alternating unimodal adaptation)

Usage:
  mla train <config.mla.json> [--seed N] [--epochs N] [--runs-dir DIR] [--backend B]
  mla train --resume <run-dir> [--epochs N] [--backend B]
  mla validate <config.mla.json>
  mla eval <run-dir> [--samples i,j,k] [--checkpoint best|latest|N] [--out FILE]
  mla example [DIR]
  mla sweep <file.sweep.json> [--executor local|slurm] [--dry-run] [--wait] [--runs-dir DIR]

Run "mla <command> --help" for the options of a command.
`;

export const TRAIN_HELP = `mla train: train one run per seed of a config (one after another), or resume a run

Usage:
  mla train <config.mla.json> [options]
  mla train --resume <run-dir> [--epochs N] [--backend B]

Options:
  --seed N          train only this seed (repeatable); default: every seed in the config
  --epochs N        override training.epochs (with --resume: train up to N epochs in total)
  --runs-dir DIR    where run folders go; default: .mla/runs in the config's workspace
                    (the nearest folder above the config with .git, .vscode or .mla)
  --backend B       auto | tensorflow-gpu | tensorflow | wasm | cpu (default: the config's, then auto)
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
  --json            print the scores as one JSON object instead of a table
  -h, --help        show this help
`;

export const EXAMPLE_HELP = `mla example: write the built-in example project

Usage:
  mla example [DIR]     (default DIR: ./mla-example)

Writes DIR/data/ (a generated dataset: 1500 samples, 5 classes, modalities "strong", "medium" and "weak"
of clearly different strength) and two configs of the same model: example-mla.mla.json (MLA) and
example-joint.mla.json (the joint-training baseline that shows modality laziness). Existing configs are kept.
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
  -h, --help        show this help

Every expanded config is validated before anything starts. Each trial is a run folder named
<sweep>_<trial id>_s<seed>; re-running the sweep skips completed trials and resumes stopped ones.
Ctrl-C (SIGINT) or SIGTERM stops every running trial with a checkpoint.
Exit codes: 0 every trial completed (or submitted, slurm without --wait), 1 a trial failed or stopped,
2 bad command line or sweep file.
`;
