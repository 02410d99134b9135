/**
 * Placeholder until the schedule lands.
 *
 * @module
 */
export {};
