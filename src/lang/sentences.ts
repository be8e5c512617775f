// Sentences of Chinese or English text, for pseudo-queries (corpus evaluation, the fusion weight's fit): a sentence
// from the middle of a summary describes the paper without restating its title.

/** Sentences of a text: Chinese and English sentence ends, then whitespace for English. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[。！？!?；;])|(?<=\.)\s+(?=[A-Z\d("“])/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A sentence from the middle of a text (the first ones restate the title, the last ones claim results). */
export function middleSentence(text: string | undefined, minChars: number): string | undefined {
  if (!text) return undefined;
  const all = sentences(text).filter((s) => s.length >= minChars && s.length <= 400);
  return all.length ? all[Math.floor(all.length / 2)] : undefined;
}
