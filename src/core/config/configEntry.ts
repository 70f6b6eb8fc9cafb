// One value of a run's effective config beside its default (defaultsDiff.ts builds them; the dashboard's
// Config view shows them). A file of its own so the webview can import the type without node modules.

/** One value of the config, as the Config view lists it. */
export interface ConfigEntry {
  /** Dotted path, e.g. `training.optimizer.lr` or `model.encoders.audio.hidden`. */
  key: string;
  /** The value, as JSON text. */
  value: string;
  /** What the value would be without the key, as JSON text. */
  defaultValue: string;
  differs: boolean;
}
