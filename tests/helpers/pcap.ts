/**
 * A small reader for the capture files in `../shared/captures`: pcapng and classic pcap,
 * Ethernet (with 802.1Q tags), Linux cooked (SLL) and raw IPv4 links, IPv4 and UDP.
 * Formats: pcapng draft (IETF opsawg-pcapng) §4; classic pcap (libpcap `pcap-savefile(5)`).
 */

/** One UDP datagram found in a capture. */
export interface CapturedDatagram {
  /** Frame number, counting every packet in the file from 1 (as Wireshark does). */
  readonly frame: number;
  /** Seconds since the first packet of the file. */
  readonly time: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

/** What the reader skipped, so a test can report it instead of hiding it. */
export interface CaptureSummary {
  readonly datagrams: CapturedDatagram[];
  readonly frames: number;
  /** IPv4 fragments after the first (they carry no UDP header). */
  readonly fragments: number[];
}

const LINK_ETHERNET = 1;
const LINK_RAW = 101;
const LINK_SLL = 113;
const LINK_IPV4 = 228;

function linkPayloadOffset(link: number, b: Uint8Array): number | null {
  if (link === LINK_RAW || link === LINK_IPV4) return 0;
  if (link === LINK_SLL) return (b[14]! << 8 | b[15]!) === 0x0800 ? 16 : null;
  if (link !== LINK_ETHERNET) return null;
  let o = 12;
  let type = b[o]! << 8 | b[o + 1]!;
  while (type === 0x8100 || type === 0x88a8) {
    o += 4;
    type = b[o]! << 8 | b[o + 1]!;
  }
  return type === 0x0800 ? o + 2 : null;
}

function udpOf(
  frame: number,
  time: number,
  link: number,
  b: Uint8Array,
  fragments: number[],
): CapturedDatagram | null {
  const ip = linkPayloadOffset(link, b);
  if (ip === null || ip + 20 > b.length || b[ip]! >> 4 !== 4) return null;
  const headerLength = (b[ip]! & 0x0f) * 4;
  const totalLength = b[ip + 2]! << 8 | b[ip + 3]!;
  const flagsOffset = b[ip + 6]! << 8 | b[ip + 7]!;
  if (b[ip + 9] !== 17) return null;
  if ((flagsOffset & 0x1fff) !== 0) {
    fragments.push(frame);
    return null;
  }
  const udp = ip + headerLength;
  const end = Math.min(b.length, ip + totalLength);
  if (udp + 8 > end) return null;
  const udpLength = b[udp + 4]! << 8 | b[udp + 5]!;
  const ipv4 = (o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
  return {
    frame,
    time,
    src: ipv4(ip + 12),
    dst: ipv4(ip + 16),
    srcPort: b[udp]! << 8 | b[udp + 1]!,
    dstPort: b[udp + 2]! << 8 | b[udp + 3]!,
    payload: b.slice(udp + 8, Math.min(end, udp + udpLength)),
  };
}

function readClassic(b: Uint8Array): CaptureSummary {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magic = view.getUint32(0, true);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nano = magic === 0xa1b23c4d || view.getUint32(0, false) === 0xa1b23c4d;
  const link = view.getUint32(20, little) & 0x0fffffff;
  const datagrams: CapturedDatagram[] = [];
  const fragments: number[] = [];
  let o = 24;
  let frame = 0;
  let first: number | null = null;
  while (o + 16 <= b.length) {
    const seconds = view.getUint32(o, little) + view.getUint32(o + 4, little) / (nano ? 1e9 : 1e6);
    const captured = view.getUint32(o + 8, little);
    if (o + 16 + captured > b.length) throw new Error(`pcap record at ${o} is cut off`);
    frame++;
    first ??= seconds;
    const d = udpOf(frame, seconds - first, link, b.subarray(o + 16, o + 16 + captured), fragments);
    if (d) datagrams.push(d);
    o += 16 + captured;
  }
  return { datagrams, frames: frame, fragments };
}

function readNg(b: Uint8Array): CaptureSummary {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const datagrams: CapturedDatagram[] = [];
  const fragments: number[] = [];
  let little = true;
  let links: { link: number; resolution: number }[] = [];
  let o = 0;
  let frame = 0;
  let first: number | null = null;
  while (o + 12 <= b.length) {
    let type = view.getUint32(o, little);
    if (type === 0x0a0d0d0a) {
      little = view.getUint32(o + 8, true) === 0x1a2b3c4d;
      links = [];
      type = 0x0a0d0d0a;
    }
    const length = view.getUint32(o + 4, little);
    if (length < 12 || o + length > b.length) throw new Error(`pcapng block at ${o} is cut off`);
    if (type === 1) {
      let resolution = 1e-6;
      // Options start after link type (2), reserved (2) and snap length (4).
      let p = o + 16;
      while (p + 4 <= o + length - 4) {
        const code = view.getUint16(p, little);
        const size = view.getUint16(p + 2, little);
        if (code === 0) break;
        if (code === 9) {
          const v = b[p + 4]!;
          resolution = v & 0x80 ? 2 ** -(v & 0x7f) : 10 ** -(v & 0x7f);
        }
        p += 4 + Math.ceil(size / 4) * 4;
      }
      links.push({ link: view.getUint16(o + 8, little), resolution });
    } else if (type === 6 || type === 3) {
      frame++;
      const enhanced = type === 6;
      const iface = links[enhanced ? view.getUint32(o + 8, little) : 0];
      if (!iface) throw new Error(`pcapng packet at ${o} names an unknown interface`);
      const captured = enhanced ? view.getUint32(o + 20, little) : length - 16;
      const start = o + (enhanced ? 28 : 12);
      const ticks = enhanced
        ? view.getUint32(o + 12, little) * 2 ** 32 + view.getUint32(o + 16, little)
        : 0;
      const seconds = ticks * iface.resolution;
      first ??= seconds;
      const d = udpOf(
        frame,
        seconds - first,
        iface.link,
        b.subarray(start, start + captured),
        fragments,
      );
      if (d) datagrams.push(d);
    }
    o += length;
  }
  return { datagrams, frames: frame, fragments };
}

/** Reads a pcapng or classic pcap file, whatever its extension says. */
export function readCapture(bytes: Uint8Array): CaptureSummary {
  const magic = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
  if (magic === 0x0a0d0d0a) return readNg(bytes);
  if ([0xd4c3b2a1, 0xa1b2c3d4, 0x4d3cb2a1, 0xa1b23c4d].includes(magic)) return readClassic(bytes);
  throw new Error(`not a pcap or pcapng file (magic ${magic.toString(16)})`);
}
