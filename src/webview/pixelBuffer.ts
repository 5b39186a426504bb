// Solid rectangles written straight into an ImageData and put on the canvas once per frame.
// Without a GPU the browser rasterises every fillRect in software (tens of µs each); a flame chart
// frame has thousands of them, and filling typed-array pixels band by band is far cheaper.

export class PixelBuffer {
  readonly image: ImageData;
  private readonly pixels: Uint32Array;
  /** One row of device pixels: the band being drawn. */
  private readonly line: Uint32Array;
  private readonly colorCache = new Map<string, number>();

  /** width and height in device pixels; rectangles are given in CSS pixels and scaled by dpr. */
  constructor(
    readonly width: number,
    readonly height: number,
    private readonly dpr: number,
    private readonly background: string,
    private readonly toRgba: (color: string) => [number, number, number, number],
  ) {
    this.image = new ImageData(width, height);
    this.pixels = new Uint32Array(this.image.data.buffer);
    this.line = new Uint32Array(width);
  }

  /** Translucent colours are blended over the background here: rectangles never overlap. */
  packed(color: string): number {
    let value = this.colorCache.get(color);
    if (value === undefined) {
      const [r, g, b, a] = this.toRgba(color);
      const [br, bg, bb] = this.toRgba(this.background);
      const mix = (c: number, base: number): number => Math.round(c * a + base * (1 - a));
      value = packRgba(mix(r, br), mix(g, bg), mix(b, bb));
      this.colorCache.set(color, value);
    }
    return value;
  }

  clear(color: number): void {
    this.pixels.fill(color);
  }

  /**
   * Starts a band of rows (CSS pixels y to y + h) filled with `background`: spans are written into
   * one row of pixels, which endBand then copies to every row of the band. A frame of a flame chart
   * is thousands of narrow spans; filling each span once, not once per pixel row, is what keeps it
   * within a frame's time.
   */
  beginBand(background: number): void {
    this.line.fill(background);
  }

  span(color: number, x: number, w: number): void {
    const { dpr, width } = this;
    const x0 = Math.max(0, Math.round(x * dpr));
    const x1 = Math.min(width, Math.round((x + w) * dpr));
    if (x1 > x0) this.line.fill(color, x0, x1);
  }

  endBand(y: number, h: number): void {
    const { dpr, width, height } = this;
    const y0 = Math.max(0, Math.round(y * dpr));
    const y1 = Math.min(height, Math.round((y + h) * dpr));
    for (let row = y0; row < y1; row++) this.pixels.set(this.line, row * width);
  }
}

/** ImageData is RGBA bytes; read as a little-endian Uint32 that is 0xAABBGGRR. */
export function packRgba(r: number, g: number, b: number): number {
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** Any CSS colour to RGBA, by letting a canvas normalise it to '#rrggbb' or 'rgba(r, g, b, a)'. */
export function cssColorReader(ctx: CanvasRenderingContext2D): (color: string) => [number, number, number, number] {
  return (color) => {
    ctx.fillStyle = '#000000';
    ctx.fillStyle = color;
    return parseNormalisedColor(String(ctx.fillStyle));
  };
}

export function parseNormalisedColor(text: string): [number, number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text);
  if (hex) return [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16), parseInt(hex[3]!, 16), 1];
  const rgba = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(text);
  if (rgba) return [Number(rgba[1]), Number(rgba[2]), Number(rgba[3]), rgba[4] === undefined ? 1 : Number(rgba[4])];
  return [0, 0, 0, 1];
}
