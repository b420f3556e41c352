// TAP (node --test on a pipe, tape, node-tap, …) through the existing tap-parser reader, fed raw text from the
// stream TAP was seen on (tap-parser keeps its own buffer and needs to see half-written lines; see parsers.ts).
import { createTapReader } from "../parsers";
import type { LineReader, ReaderSink, ReaderSpec, Stream } from "./common";

export const TAP_LINE = /^(?:TAP version \d+|(?:not )?ok \d+(?:\s|$)|1\.\.\d+(?:\s|$)|Bail out!)/;

function createTapLineReader(sink: ReaderSink): LineReader {
  const tap = createTapReader({ result: (r) => sink.result(r), plan: (n) => sink.plan(n) });
  let stream: Stream | null = null;
  return {
    line() {},
    raw(s, text) {
      stream ??= s; // the first text the reader gets is the stream it was detected on
      if (s === stream) tap.write(text);
    },
    end: () => tap.end(),
  };
}

export const tapReader: ReaderSpec = {
  name: "tap",
  tool: null,
  detect: (_stream, line) => TAP_LINE.test(line),
  create: createTapLineReader,
};
