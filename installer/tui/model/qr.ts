import QRCode from 'qrcode';

/**
 * A QR code as lines of half blocks: two module rows per line, so a TOTP URI (version 6-7,
 * 41-45 modules) fits in 24 lines. The light modules and the quiet zone are drawn, the dark ones
 * left blank: on a console's light-on-dark text that is a QR code as a phone reads it, with no
 * colour needed.
 */
export function qrLines(text: string, margin = 1): string[] {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'L' });
  const n = qr.modules.size;
  const dark = (r: number, c: number) => r >= 0 && c >= 0 && r < n && c < n && qr.modules.get(r, c) === 1;
  const out: string[] = [];
  for (let r = -margin; r < n + margin; r += 2) {
    let line = '';
    for (let c = -margin; c < n + margin; c++) {
      const top = !dark(r, c);
      const bottom = r + 1 < n + margin ? !dark(r + 1, c) : false;
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    out.push(line);
  }
  return out;
}
