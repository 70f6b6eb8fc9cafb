// The version of MLA Studio recorded in every run's config.json (kept in step with package.json by a test).
export const VERSION = '0.1.0';
