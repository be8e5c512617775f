// Errors callers may want to recognise (e.g. select.ts falls back to the static embedder on ModelUnavailableError).

export class ModelUnavailableError extends Error {
  override readonly name = 'ModelUnavailableError';
  constructor(
    readonly model: string,
    readonly dtype: string,
    readonly searchedDirs: string[],
    readonly missingFiles: string[],
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      [
        `embedding model "${model}" (dtype ${dtype}) is not available: ${reason}.`,
        `Looked in: ${searchedDirs.join(', ')} (missing: ${missingFiles.join(', ')}).`,
        'To fix: run papersift once on a machine with internet access without PAPERSIFT_OFFLINE (it downloads the model into',
        `${searchedDirs[searchedDirs.length - 1]}), or copy the model files (config.json, tokenizer.json, tokenizer_config.json,`,
        `${missingFiles.find((f) => f.startsWith('onnx/')) ?? 'onnx/model_quantized.onnx'}) into ${searchedDirs[0]}, or set PAPERSIFT_EMBEDDER=static`,
        'to use the offline static embedder.',
      ].join(' '),
      options,
    );
  }
}
