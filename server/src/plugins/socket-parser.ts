/**
 * Socket.IO's own parser, minus one scan: the stock encoder walks every packet's whole payload
 * looking for binary attachments before it encodes it, which for a snapshot of a long launch costs
 * more than the JSON itself. War room never sends binary, so every packet is encoded as text — the
 * same wire format (clients use the stock parser), in one pass.
 */
import * as parser from 'socket.io-parser';

class TextEncoder extends parser.Encoder {
  override encode(packet: parser.Packet): string[] {
    return [(this as unknown as { encodeAsString(p: parser.Packet): string }).encodeAsString(packet)];
  }
}

export const textParser = { ...parser, Encoder: TextEncoder };
