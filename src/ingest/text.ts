// Text normalisation and page-chrome recognition shared by the newsletter parsers.

// Invisible format characters (zero-width spaces and joiners, bidi embeddings/overrides/isolates, BOMs, soft
// hyphens, tag characters: Unicode category Cf) split or disguise words; no newsletter field needs them.
const INVISIBLE = /\p{Cf}/gu;
// C0/C1 control characters other than tab and the line breaks: garbage in a text file, read as a space.
const CONTROLS = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * Unifies line endings and exotic spaces and drops invisible characters, so the parsers see plain lines. Invisible
 * characters go first (one between \r and \n must not make two lines), and only \r\n, \r and \n break lines, as in
 * editors, so file:line in warnings is the line a user finds; U+2028/U+2029 are read as spaces.
 */
export function normaliseText(text: string): string {
  return text
    .replace(INVISIBLE, '')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROLS, ' ')
    .replace(/[\u00A0\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/g, ' ');
}

// Whitespace that clean() would change: a run, anything but a plain space, or a space at either end.
const UNCLEAN = /\s\s|[^\S ]|^ | $/;

/** Collapses runs of whitespace and trims. Every line passes through here several times, so clean text returns as is. */
export function clean(s: string): string {
  return UNCLEAN.test(s) ? s.replace(/\s+/g, ' ').trim() : s;
}

// One or more image file names glued together, as left behind by copy-pasting a web page:
// "2c59...d9.png", "image.pngimage.png", "f01.png.jpgf02.png.jpg".
const IMAGE_NAMES = /^(?:[\w-]+(?:\.(?:png|jpe?g|gif|webp|svg|bmp))+)+$/i;

// Widgets and boilerplate of the pages the newsletters were copied from (likes, comments, red packets, wallet,
// QR-code/subscription prose, copyright notes). Matched as whole lines so paper text mentioning these words survives.
const CHROME_LINES: RegExp[] = [
  /^\d*\s*(点赞|收藏|评论|分享|举报|提交|添加红包|规则|实付|扫码支付|余额充值|发出的红包|使用余额支付|点击重新获取|抵扣说明[:：]?)$/,
  /^(觉得还不错\?|“相关推荐”对你有帮助么|成就一亿技术人)/,
  /^[•·]?\s*(非常没帮助|没帮助|一般|有帮助|非常有帮助)$/, // the rating widget's answers: whole lines only ("一般化…" is text)
  /^(请填写红包祝福语或标题|红包个数最小为|红包金额最低|当前余额|需支付|领取后你会自动成为|钱包余额|\d\.余额)/,
  // "(please) scan the QR code below to join/follow": short lines that open by asking to scan the QR code. 扫描 alone
  // is ordinary technical vocabulary (scanners, scanning agents), and a summary may be about QR codes: neither counts.
  /^(方式\d[:：])?(请|可以|欢迎)?(扫描|扫码|长按识别|长按|识别)(下方|下面|文末|上方|图中|左侧|右侧)?的?二维码.{0,60}$/,
  /^(如果你正在从事或关注|欢迎加入|周刊采用社区协作的模式|转自|内容中包含的图片若涉及版权问题)/,
  /^[•·]\s*(学习前沿知识|分享经验心得|参与专属活动)/,
  /^[•·]?\s*\d+$/, // a widget counter ("• 0" above 点赞)
  /^(方式\d[:：]|订阅方法|告诉大家一个好消息)/,
];

export function isImageLine(line: string): boolean {
  return IMAGE_NAMES.test(line.trim());
}

/** True for lines that are page furniture, never paper content. */
export function isChromeLine(line: string): boolean {
  const s = clean(line);
  if (!s) return false;
  return isImageLine(s) || CHROME_LINES.some((re) => re.test(s));
}

/** Has Chinese (CJK ideograph) characters. */
export function hasCjk(s: string): boolean {
  return /[\u3400-\u9FFF\uF900-\uFAFF]/.test(s);
}

/** Has Latin letters. */
export function hasLatin(s: string): boolean {
  return /[A-Za-z]/.test(s);
}

const URL_RE = /https?:\/\/[^\s<>"'，。；、）)]+[^\s<>"'，。；、）).,;:]/g;

/** URLs in a line, with trailing sentence punctuation removed. */
export function extractUrls(line: string): string[] {
  return [...line.matchAll(URL_RE)].map((m) => m[0]);
}

/** The URLs of a (cleaned) line that holds nothing else, space-separated; undefined for any other line. */
export function urlsOnly(line: string): string[] | undefined {
  const urls = extractUrls(line);
  return urls.length > 0 && urls.join(' ') === line ? urls : undefined;
}

/** Splits "张三、李四等" / "A, B, C..." / "A and B" into names, dropping "等", "...", "et al.". */
export function splitNames(s: string): string[] {
  const body = clean(s)
    .replace(/(\s*(等人?|\.{3,}|…+|et\s+al\.?))+\s*$/i, '')
    .trim();
  return body
    .split(/\s*[,，、;；]\s*|\s+(?:and|&)\s+/i)
    .map((n) => n.replace(/(等人?|\.{3,}|…+)$/, '').trim())
    .filter((n) => n.length > 0 && n !== '等' && !/^(\.{3,}|…+)$/.test(n));
}
