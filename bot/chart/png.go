package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
)

// encodePNG writes the chart as a paletted PNG. The picture has a few
// flat colours and the anti-aliased edges between them, so 256 colours
// show it without visible loss, and a paletted image is a third of the
// bytes to compress and skips image/png's per-row filter search, which
// together were most of a chart's cost in RGB.
func encodePNG(img *image.RGBA, base []color.RGBA) ([]byte, error) {
	b := img.Bounds()
	pal := make(color.Palette, 0, 256)
	index := make(map[uint32]uint8, 512)
	add := func(c color.RGBA) uint8 {
		pal = append(pal, c)
		return uint8(len(pal) - 1)
	}
	// The design's colours come first, so they are always exact.
	for _, c := range base {
		k := key(c)
		if _, ok := index[k]; !ok {
			index[k] = add(c)
		}
	}
	out := image.NewPaletted(b, nil)
	prev, prevIdx := ^uint32(0), uint8(0)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[(y-img.Rect.Min.Y)*img.Stride:]
		dst := out.Pix[(y-b.Min.Y)*out.Stride:]
		for x := range b.Dx() {
			p := row[4*x : 4*x+4 : 4*x+4]
			k := uint32(p[0])<<16 | uint32(p[1])<<8 | uint32(p[2])
			if k != prev {
				i, ok := index[k]
				if !ok {
					c := color.RGBA{R: p[0], G: p[1], B: p[2], A: 255}
					if len(pal) < 256 {
						i = add(c)
					} else {
						i = uint8(pal.Index(c))
					}
					index[k] = i
				}
				prev, prevIdx = k, i
			}
			dst[x] = prevIdx
		}
	}
	out.Palette = pal
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, out); err != nil {
		return nil, fmt.Errorf("png: %w", err)
	}
	return buf.Bytes(), nil
}

func key(c color.RGBA) uint32 { return uint32(c.R)<<16 | uint32(c.G)<<8 | uint32(c.B) }
