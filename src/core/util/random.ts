// The seeded generator lives with the browser-safe code (the dashboard's random sample picker draws from it
// too); the algorithm imports it from here.
export * from '../../shared/random';
