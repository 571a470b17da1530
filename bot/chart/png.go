package chart

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
)

// encodePNG writes an opaque RGBA image as an 8-bit RGB PNG whose rows all
// use the "Sub" filter, compressed at zlib's fastest level. image/png picks
// a filter per row by trying all five, which took most of a chart's time;
// for flat panels and text, Sub alone compresses about as well.
func encodePNG(img *image.RGBA) ([]byte, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var out bytes.Buffer
	out.Grow(96 << 10)
	out.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits per channel, truecolour
	chunk(&out, "IHDR", ihdr[:])

	var data bytes.Buffer
	data.Grow(96 << 10)
	z, err := zlib.NewWriterLevel(&data, zlib.BestSpeed)
	if err != nil {
		return nil, fmt.Errorf("png: %w", err)
	}
	row := make([]byte, 1+3*w)
	row[0] = 1 // Sub: each byte minus the same channel of the pixel to its left
	for y := range h {
		px := img.Pix[(y+b.Min.Y-img.Rect.Min.Y)*img.Stride:]
		var pr, pg, pb byte
		for x := range w {
			r, g, bl := px[4*x], px[4*x+1], px[4*x+2]
			row[1+3*x], row[2+3*x], row[3+3*x] = r-pr, g-pg, bl-pb
			pr, pg, pb = r, g, bl
		}
		if _, err := z.Write(row); err != nil {
			return nil, fmt.Errorf("png: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return nil, fmt.Errorf("png: %w", err)
	}
	chunk(&out, "IDAT", data.Bytes())
	chunk(&out, "IEND", nil)
	return out.Bytes(), nil
}

func chunk(out *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	out.Write(n[:])
	out.WriteString(typ)
	out.Write(data)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	out.Write(n[:])
}
