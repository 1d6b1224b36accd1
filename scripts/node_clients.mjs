// Drive the emulator with Node clients: the Vercel AI SDK (generateObject, generateText, streamText usage), the
// TypeScript SDK (parse-free structured output, batches, files, models, streamed usage) and gcp-metadata's
// "am I on Google Cloud?" detection. Loopback only: the base URL must be http://127.0.0.1:<port>.
//
//   npm install @anthropic-ai/sdk ai @ai-sdk/anthropic zod gcp-metadata   (in a scratch directory)
//   NODE_PATH=<that dir>/node_modules node scripts/node_clients.mjs http://127.0.0.1:8765
//
// Prints one JSON line per check ({"check", "ok", "detail"}); exits 1 when any check fails.
import { createRequire } from "node:module";
import path from "node:path";

const base = process.argv[2] || "";
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) {
  console.error("usage: node_clients.mjs http://127.0.0.1:<port> (loopback only)");
  process.exit(2);
}
const modules = process.env.NODE_PATH || path.join(process.cwd(), "node_modules");
const require = createRequire(path.join(modules, "noop.js"));
const load = (name) => import(require.resolve(name));

const results = [];
async function check(name, body) {
  try {
    const detail = await body();
    results.push({ check: name, ok: true, detail });
  } catch (error) {
    results.push({ check: name, ok: false, detail: String(error && error.message ? error.message : error) });
  }
}

const { default: Anthropic } = await load("@anthropic-ai/sdk");
const client = new Anthropic({ apiKey: "anything", baseURL: base, maxRetries: 0 });
const schema = {
  type: "object",
  properties: { city: { type: "string" }, days: { type: "integer", minimum: 1 } },
  required: ["city", "days"],
  additionalProperties: false,
};

await check("ts-sdk structured output", async () => {
  const message = await client.messages.create({
    model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Paris for 3 days" }],
    output_config: { format: { type: "json_schema", schema } },
  });
  const doc = JSON.parse(message.content[0].text);
  if (typeof doc.city !== "string" || !(doc.days >= 1)) throw new Error(`invalid document ${message.content[0].text}`);
  return doc;
});

await check("ts-sdk streamed usage", async () => {
  const stream = client.messages.stream({ model: "claude-sonnet-4-6", max_tokens: 64,
    messages: [{ role: "user", content: "Hello" }] });
  const final = await stream.finalMessage();
  if (!(final.usage.input_tokens > 0)) throw new Error(`input_tokens ${final.usage.input_tokens}`);
  return final.usage;
});

await check("ts-sdk batches", async () => {
  const batch = await client.messages.batches.create({ requests: [{ custom_id: "a", params: {
    model: "claude-haiku-4-5", max_tokens: 16, messages: [{ role: "user", content: "Hi" }] } }] });
  const ended = await client.messages.batches.retrieve(batch.id);
  const types = [];
  for await (const entry of await client.messages.batches.results(batch.id)) types.push(entry.result.type);
  if (ended.processing_status !== "ended" || types.join() !== "succeeded") throw new Error(JSON.stringify(types));
  return { status: ended.processing_status, types };
});

await check("ts-sdk files", async () => {
  const { toFile } = await load("@anthropic-ai/sdk");
  const uploaded = await client.beta.files.upload({ file: await toFile(Buffer.from("hello"), "hello.txt",
    { type: "text/plain" }) });
  const meta = await client.beta.files.retrieveMetadata(uploaded.id);
  await client.beta.files.delete(uploaded.id);
  return { id: meta.id, size: meta.size_bytes };
});

await check("ts-sdk models.retrieve", async () => {
  const info = await client.models.retrieve("claude-opus-4-6");
  if (!info.max_input_tokens) throw new Error("no max_input_tokens");
  return { id: info.id, max_input_tokens: info.max_input_tokens, max_tokens: info.max_tokens };
});

const { generateObject, generateText, streamText, jsonSchema } = await load("ai");
const { createAnthropic } = await load("@ai-sdk/anthropic");
const anthropic = createAnthropic({ apiKey: "anything", baseURL: `${base}/v1` });

await check("vercel generateObject", async () => {
  const { object } = await generateObject({ model: anthropic("claude-sonnet-4-6"), schema: jsonSchema(schema),
    prompt: "Paris for 3 days", maxRetries: 0 });
  // the AI SDK sends the schema with numeric bounds moved into descriptions (structured outputs do not take
  // them), so the answer only has to have the right types
  if (typeof object.city !== "string" || !Number.isInteger(object.days)) throw new Error(JSON.stringify(object));
  return object;
});

await check("vercel generateText", async () => {
  const { text, usage } = await generateText({ model: anthropic("claude-sonnet-4-6"), prompt: "Hello",
    maxRetries: 0 });
  if (!text || !(usage.inputTokens > 0)) throw new Error(JSON.stringify({ text, usage }));
  return { text, usage };
});

await check("vercel streamText usage", async () => {
  const result = streamText({ model: anthropic("claude-sonnet-4-6"), prompt: "Hello", maxRetries: 0 });
  let text = "";
  for await (const part of result.textStream) text += part;
  const usage = await result.usage;
  if (!text || !(usage.inputTokens > 0)) throw new Error(JSON.stringify({ text, usage }));
  return { text, usage };
});

await check("gcp-metadata isAvailable", async () => {
  process.env.GCE_METADATA_HOST = base.replace("http://", "");
  const gcp = await load("gcp-metadata");
  const metadata = gcp.default && gcp.default.isAvailable ? gcp.default : gcp;
  metadata.resetIsAvailableCache?.();
  const available = await metadata.isAvailable();
  if (!available) throw new Error("isAvailable() answered false");
  return { available, project: await metadata.project("project-id") };
});

for (const result of results) console.log(JSON.stringify(result));
process.exit(results.every((r) => r.ok) ? 0 : 1);
