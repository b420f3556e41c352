// The LLM call: the openai SDK against any OpenAI-compatible endpoint, streaming, with the usage the
// API reports (stream_options.include_usage). Never estimated.
import type OpenAI from "openai";
import { getConfig } from "../config";
import { AppError } from "../errors";

export type ChatMessage = { role: "system" | "user" | "assistant"; content: string };
export type TokenUsage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };
type LlmResult = { text: string; usage: TokenUsage | null; model: string };

export class LlmError extends Error {
  constructor(public code: "LLM_TIMEOUT" | "LLM_UNREACHABLE" | "LLM_ERROR" | "LLM_EMPTY", message: string) {
    super(message);
  }
}

export function requireLlm() {
  const { apiKey, baseUrl } = getConfig().openai;
  if (!apiKey && !baseUrl) {
    throw new AppError("LLM_NOT_CONFIGURED", 503, "No language model is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server)");
  }
}

/** Extra request fields (e.g. response_format for structured answers); the rest of the call is the same. */
type ChatExtras = { response_format?: OpenAI.ChatCompletionCreateParams["response_format"] };

export async function streamChat(messages: ChatMessage[], onDelta: (text: string) => void, extras: ChatExtras = {}): Promise<LlmResult> {
  const cfg = getConfig().openai;
  const { default: OpenAI } = await import("openai"); // loaded on the first model call, not at start
  const client = new OpenAI({ apiKey: cfg.apiKey || "not-needed", baseURL: cfg.baseUrl, maxRetries: 0, timeout: cfg.timeoutMs });
  const abort = new AbortController();
  let stream: { controller: AbortController } | null = null;
  // The SDK reads the body with its own controller: abort that one too, or a stalled stream never ends.
  const timer = setTimeout(() => {
    abort.abort();
    stream?.controller.abort();
  }, cfg.timeoutMs);
  let text = "";
  let usage: TokenUsage | null = null;
  let model = cfg.model;
  let finished = false;
  try {
    const s = await client.chat.completions.create(
      { ...extras, model: cfg.model, messages, stream: true, stream_options: { include_usage: true } },
      { signal: abort.signal },
    );
    stream = s;
    if (abort.signal.aborted) s.controller.abort();
    for await (const chunk of s) {
      if (chunk.model) model = chunk.model;
      if (chunk.usage) {
        const u = chunk.usage;
        usage = { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens, total_tokens: u.total_tokens };
      }
      if (chunk.choices?.[0]?.finish_reason) finished = true;
      const delta = chunk.choices?.[0]?.delta?.content;
      if (delta) {
        text += delta;
        onDelta(delta);
      }
    }
    // An aborted stream ends quietly in the SDK: a time-out must still be an error.
    if (abort.signal.aborted) throw abort.signal.reason ?? new Error("aborted");
  } catch (e) {
    if (abort.signal.aborted || e instanceof OpenAI.APIConnectionTimeoutError) {
      throw new LlmError("LLM_TIMEOUT", `The model did not finish within ${Math.round(cfg.timeoutMs / 1000)} s`);
    }
    if (e instanceof OpenAI.APIConnectionError) throw new LlmError("LLM_UNREACHABLE", `The model API cannot be reached (${e.message})`);
    if (e instanceof OpenAI.APIError) {
      throw new LlmError("LLM_ERROR", `The model API answered ${e.status ?? "an error"}: ${String(e.message).slice(0, 300)}`);
    }
    throw new LlmError("LLM_ERROR", `The model's answer could not be read (${(e as Error).message})`);
  } finally {
    clearTimeout(timer);
  }
  if (!finished) throw new LlmError("LLM_ERROR", "The model's answer was cut off before it finished");
  if (!text.trim()) throw new LlmError("LLM_EMPTY", "The model returned an empty answer");
  return { text, usage, model };
}
