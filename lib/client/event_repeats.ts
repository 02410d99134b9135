/**
 * Copies of one event, dropped. Sockets say most things several times: 21 announcements 3.17 s
 * apart after a boot (and again every ~10 minutes), ~10 copies of each discovery reply, every
 * `sf` push twice (§2.1, §2.5, §4.1); and one restart can be noticed twice (an announcement
 * with an unset clock, then a keep-alive the socket ignores). A consumer wants each event once.
 */
import type { S20Event } from "./events.ts";

/**
 * How long after a copy the next identical one still counts as a copy. The window slides: it
 * starts again at each copy, so a whole burst of announcements 3.17 s apart is one event, even
 * with one of them lost.
 */
export const REPEAT_WINDOW_MS = 10_000;

/**
 * A restart is one event however it was noticed: keep-alives find a forgotten subscription
 * up to 30 s after the announcements showed the unset clock.
 */
export const REBOOT_WINDOW_MS = 60_000;

/** Events that take turns share a key, so `offline`, `online`, `offline` is three events. */
function keyOf(event: S20Event): string {
  const kind = event.type === "online" || event.type === "offline" ? "presence" : event.type;
  return `${kind} ${event.mac}`;
}

/** What an event says, without when it was heard (and, for a clock, only whether it is set). */
function contentOf(event: S20Event): string {
  if (event.type === "reboot") return "reboot";
  const { at: _at, ...rest } = event;
  return JSON.stringify("clock" in rest ? { ...rest, clock: rest.clock !== null } : rest);
}

/**
 * Tells copies from news: an event is a copy when its socket last said the same thing (same
 * type and content) less than {@link REPEAT_WINDOW_MS} before ({@link REBOOT_WINDOW_MS} for a
 * restart). Keeps one entry per socket and kind of event.
 */
export class RepeatFilter {
  readonly #last = new Map<string, { content: string; at: number }>();

  /** Whether `event` repeats the last one of its kind from its socket; notes it either way. */
  isRepeat(event: S20Event): boolean {
    const key = keyOf(event);
    const content = contentOf(event);
    const at = event.at.getTime();
    const window = event.type === "reboot" ? REBOOT_WINDOW_MS : REPEAT_WINDOW_MS;
    const last = this.#last.get(key);
    this.#last.set(key, { content, at });
    return last !== undefined && last.content === content && at - last.at < window;
  }
}
