/** Every `s20` command, in the order `s20 --help` lists them. */
import type { CommandSpec } from "../command.ts";
import { discoverCommand } from "./discover.ts";
import { offCommand, onCommand, statusCommand, toggleCommand } from "./power.ts";
import { infoCommand } from "./info.ts";
import {
  autooffCommand,
  iconCommand,
  lockCommandSpec,
  renameCommand,
  timezoneCommand,
  unlockCommandSpec,
} from "./settings.ts";
import { clockCommand } from "./clock.ts";
import { countdownCommand } from "./countdown.ts";
import { timersCommand } from "./timers.ts";
import { watchCommand } from "./watch.ts";
import { doctorCommand } from "./doctor.ts";
import { emulateCommand } from "./emulate.ts";
import { scheduleCommand } from "./schedule.ts";
import { automationsCommand } from "./automations.ts";
import { serveCommand } from "./serve.ts";
import { webCommand } from "./web.ts";
import { pairCommand } from "./pair.ts";
import { wifiCommand } from "./wifi.ts";

export const COMMANDS: readonly CommandSpec[] = [
  discoverCommand,
  statusCommand,
  onCommand,
  offCommand,
  toggleCommand,
  infoCommand,
  renameCommand,
  iconCommand,
  timezoneCommand,
  clockCommand,
  countdownCommand,
  autooffCommand,
  lockCommandSpec,
  unlockCommandSpec,
  timersCommand,
  watchCommand,
  scheduleCommand,
  automationsCommand,
  serveCommand,
  webCommand,
  pairCommand,
  wifiCommand,
  emulateCommand,
  doctorCommand,
];
