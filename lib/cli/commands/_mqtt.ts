/**
 * `--mqtt URL` on `s20 serve` and `s20 schedule run` (or an `mqtt:` section in the config): the
 * daemon also bridges its sockets to an MQTT broker, with Home Assistant discovery.
 */
import type { CommandContext, OptionSpec } from "../command.ts";
import { loadConfig } from "../config.ts";
import { type MqttSettings, mqttSettings } from "../mqtt_config.ts";
import type { Controller, SocketController } from "../../client/controller.ts";
import { findSocketByName } from "../../client/find_by_name.ts";
import { type BridgeSocket, MqttBridge } from "../../mqtt/bridge.ts";
import { CommandTracker } from "../../mqtt/command_tracker.ts";
import type { SchedulerDaemon } from "../../scheduler/daemon.ts";

/** The flags of the bridge, for `serve` and `schedule run`. */
export const MQTT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  mqtt: {
    type: "string",
    value: "URL",
    description:
      "also bridge the sockets to an MQTT broker, mqtt://HOST[:PORT] or mqtts://… (see the config's mqtt: section)",
  },
  "mqtt-password-file": {
    type: "string",
    value: "PATH",
    description: "file holding the broker password (never give it on the command line)",
  },
};

/** What the daemon commands need to run a bridge: its settings and the tracking controller. */
export interface MqttPlan {
  readonly settings: MqttSettings;
  readonly tracker: CommandTracker;
}

/**
 * Reads the bridge settings (flags and config) before anything starts, so a mistake is a usage
 * error at once; `null` when no bridge is asked for.
 */
export function planMqtt(ctx: CommandContext, schedule?: string): MqttPlan | null {
  const config = loadConfig(ctx.io, {
    config: ctx.string("config"),
    schedule: schedule ?? ctx.string("schedule"),
  });
  const settings = mqttSettings(ctx.io, config.mqtt, {
    url: ctx.string("mqtt"),
    passwordFile: ctx.string("mqtt-password-file"),
  });
  return settings ? { settings, tracker: new CommandTracker({ clock: ctx.clock }) } : null;
}

/**
 * Starts the bridge over `controller` (wrapped by the plan's tracker), serving the config's
 * aliases (and the schedule's sockets under `schedule run`); log lines go to standard error.
 */
export async function startMqtt(
  ctx: CommandContext,
  plan: MqttPlan,
  controller: Controller,
  options: { readonly daemon?: SchedulerDaemon; readonly schedule?: string } = {},
): Promise<MqttBridge> {
  const handles = new Map<string, SocketController>();
  const sockets = async (): Promise<BridgeSocket[]> => {
    const { aliases } = loadConfig(ctx.io, {
      config: ctx.string("config"),
      schedule: options.schedule ?? ctx.string("schedule"),
    });
    const list: BridgeSocket[] = [];
    for (const [alias, a] of aliases) {
      const key = `${alias}|${a.mac ?? ""}|${a.ip ?? ""}|${a.name ?? ""}`;
      let socket = handles.get(key);
      if (!socket) {
        const target = a.mac || a.ip
          ? { ...(a.mac ? { mac: a.mac } : {}), ...(a.ip ? { ip: a.ip } : {}) }
          : await findSocketByName(controller, a.name!, { timeout: Math.min(ctx.timeoutMs, 3000) });
        if (!target) {
          ctx.io.stderr(`s20: mqtt: ${alias}: no socket answers to the name "${a.name}"\n`);
          continue;
        }
        socket = controller.socket(target);
        handles.set(key, socket);
      }
      list.push({ alias, socket });
    }
    return list;
  };
  const bridge = new MqttBridge({
    ...plan.settings,
    controller,
    tracker: plan.tracker,
    sockets,
    timeout: ctx.timeoutMs,
    clock: ctx.clock,
    ...(options.daemon ? { schedule: options.daemon } : {}),
    log: (entry) => ctx.io.stderr(`s20: mqtt: ${entry.message}\n`),
  });
  await bridge.start();
  const daemon = options.daemon;
  if (daemon) {
    const logs = daemon.logs(ctx.io.signal);
    void (async () => {
      for await (const entry of logs) {
        if (entry.kind === "loaded") await bridge.reloadSockets().catch(() => {});
        if (entry.kind === "loaded" || entry.kind === "fired") bridge.scheduleChanged();
      }
    })();
  }
  return bridge;
}
