// The onnxruntime-node side of OrtSideBySideBench (src/test/java/io/visionhub/bench): one session with the
// threads and spinning given, on the input tensor the Java side wrote; each line "N" on stdin runs N times and
// prints the per-run milliseconds as a JSON array; "0" or end of input exits.
// usage: node ort-bench.js <model.onnx> <input.f32> <intraOpThreads> <allowSpinning 0|1>
'use strict';
const ort = require('onnxruntime-node');
const fs = require('fs');
const readline = require('readline');

async function main() {
  const [model, input, threads, spin] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // the same config keys the hub's OnnxSessionFactory sets
    extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
  });
  const buf = fs.readFileSync(input);
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, [1, 3, 640, 640]) };
  console.log(JSON.stringify({ ready: true, ort: require('onnxruntime-node/package.json').version }));
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    const n = parseInt(line, 10);
    if (!n) break;
    const times = [];
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    console.log(JSON.stringify(times));
  }
  process.exit(0);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
