// Builds shared, expensive fixtures once per test run (e.g. the generated ONNX test model).
export default async function setup(): Promise<void> {}
