// Used by LineSdkSignatureTests: reads JSON lines {"body": base64 of the raw bytes, "secret", "signature"}
// from stdin and prints, per line, what the official LINE SDK's validateSignature says ("true"/"false").
"use strict";
const { validateSignature } = require("@line/bot-sdk");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = [];
  for (const line of input.split("\n")) {
    if (line.trim() === "") continue;
    const { body, secret, signature } = JSON.parse(line);
    results.push(String(validateSignature(Buffer.from(body, "base64"), secret, signature)));
  }
  process.stdout.write(results.join("\n") + "\n");
});
