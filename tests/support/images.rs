//! Real PNG and SVG pictures for tests, benchmarks and the sample badges,
//! drawn with the `png` encoder so every fixture is made by the project itself.

/// A round badge of `size`×`size` RGBA pixels in a colour picked by `hue` (0–255).
pub fn badge_png(size: u32, hue: u8) -> Vec<u8> {
    let (r, g, b) = hue_to_rgb(hue);
    let c = size as f32 / 2.0;
    let mut pixels = Vec::with_capacity((size * size * 4) as usize);
    for y in 0..size {
        for x in 0..size {
            let d = ((x as f32 + 0.5 - c).powi(2) + (y as f32 + 0.5 - c).powi(2)).sqrt() / c;
            let px = if d > 1.0 {
                [0, 0, 0, 0]
            } else if d > 0.86 {
                [r / 2, g / 2, b / 2, 255]
            } else if d > 0.8 {
                [250, 250, 250, 255]
            } else {
                let shade = 1.0 - d * 0.35;
                [
                    (r as f32 * shade) as u8,
                    (g as f32 * shade) as u8,
                    (b as f32 * shade) as u8,
                    255,
                ]
            };
            pixels.extend_from_slice(&px);
        }
    }
    encode(size, size, png::ColorType::Rgba, &pixels)
}

/// A greyscale PNG whose pixel data is `pixel_bytes` long (rounded to a
/// square) of noise from `seed`, so its `IDAT` is about that size.
pub fn noise_png(pixel_bytes: usize, seed: u64) -> Vec<u8> {
    let side = (pixel_bytes as f64).sqrt().ceil().max(1.0) as u32;
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let pixels: Vec<u8> = (0..side * side)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u8
        })
        .collect();
    encode(side, side, png::ColorType::Grayscale, &pixels)
}

/// A plain SVG badge picture.
pub fn badge_svg(hue: u8) -> Vec<u8> {
    let (r, g, b) = hue_to_rgb(hue);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"128\" height=\"128\" viewBox=\"0 0 128 128\">\n\
         <circle cx=\"64\" cy=\"64\" r=\"60\" fill=\"rgb({r},{g},{b})\" stroke=\"#333\" stroke-width=\"6\"/>\n\
         </svg>\n"
    )
    .into_bytes()
}

/// PNG chunk bytes (length, type, data, CRC) with a correct CRC.
pub fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    let mut h = crc32fast::Hasher::new();
    h.update(kind);
    h.update(data);
    c.extend_from_slice(&h.finalize().to_be_bytes());
    c
}

/// An uncompressed `iTXt` chunk with `keyword` and `text`.
pub fn itxt(keyword: &str, text: &str) -> Vec<u8> {
    let mut d = keyword.as_bytes().to_vec();
    d.extend_from_slice(&[0, 0, 0, 0, 0]);
    d.extend_from_slice(text.as_bytes());
    chunk(b"iTXt", &d)
}

/// `png` with `extra` chunks inserted right before `IEND`, that is after `IDAT`.
pub fn insert_before_iend(png: &[u8], extra: &[Vec<u8>]) -> Vec<u8> {
    let iend = png.len() - 12;
    let mut out = png[..iend].to_vec();
    for c in extra {
        out.extend_from_slice(c);
    }
    out.extend_from_slice(&png[iend..]);
    out
}

fn encode(width: u32, height: u32, color: png::ColorType, pixels: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(color);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("png header");
        writer.write_image_data(pixels).expect("png data");
    }
    out
}

fn hue_to_rgb(hue: u8) -> (u8, u8, u8) {
    let h = hue as f32 / 256.0 * 6.0;
    let x = (255.0 * (1.0 - (h % 2.0 - 1.0).abs())) as u8;
    match h as u8 {
        0 => (230, x, 40),
        1 => (x, 200, 40),
        2 => (40, 200, x),
        3 => (40, x, 230),
        4 => (x, 40, 230),
        _ => (230, 40, x),
    }
}
