/**
 * Placeholder until the emulator lands.
 *
 * @module
 */
export {};
