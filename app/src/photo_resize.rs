//! Photos are made small in the browser before they are sent: decoded upright (the EXIF
//! orientation applied), drawn onto a canvas no longer than the deployment's `photo_max_side`,
//! and encoded again as JPEG until they fit in [`TARGET_BYTES`]. The canvas carries pixels only,
//! so the camera's EXIF (GPS position, device) never leaves the phone.

use js_sys::{Function, Promise};
use shared::photo::{fit, TARGET_BYTES};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap, ImageBitmapOptions, ImageOrientation};

/// A photo ready to upload.
#[derive(Debug, Clone)]
pub struct Resized {
    pub blob: Blob,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResizeError {
    /// The browser cannot decode the file (not an image, or a format it does not know).
    NotAnImage,
    /// Still over the limit at the lowest quality and size we accept.
    TooLarge,
}

async fn decode(file: &Blob) -> Result<ImageBitmap, ResizeError> {
    let window = web_sys::window().ok_or(ResizeError::NotAnImage)?;
    let options = ImageBitmapOptions::new();
    options.set_image_orientation(ImageOrientation::FromImage);
    let promise = window
        .create_image_bitmap_with_blob_and_image_bitmap_options(file, &options)
        .map_err(|_| ResizeError::NotAnImage)?;
    let bitmap = JsFuture::from(promise).await.map_err(|_| ResizeError::NotAnImage)?;
    bitmap.dyn_into::<ImageBitmap>().map_err(|_| ResizeError::NotAnImage)
}

fn canvas(width: u32, height: u32) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    let document = web_sys::window()?.document()?;
    let canvas: HtmlCanvasElement = document.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    Some((canvas, context))
}

/// `canvas.toBlob` as a future.
async fn encode(canvas: &HtmlCanvasElement, quality: f64) -> Option<Blob> {
    let mut callback: Option<Closure<dyn FnMut(JsValue)>> = None;
    let promise = Promise::new(&mut |resolve: Function, _reject: Function| {
        let done = Closure::once(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        let _ = canvas.to_blob_with_type_and_encoder_options(
            done.as_ref().unchecked_ref(),
            "image/jpeg",
            &JsValue::from_f64(quality),
        );
        callback = Some(done);
    });
    let blob = JsFuture::from(promise).await.ok()?;
    drop(callback);
    blob.dyn_into::<Blob>().ok()
}

/// Qualities tried in turn at each size; below the last the photo is drawn smaller instead.
const QUALITIES: [f64; 4] = [0.85, 0.75, 0.65, 0.55];

/// Downscale and re-encode `file` as a JPEG of at most [`TARGET_BYTES`].
pub async fn resize(file: &Blob, max_side: u32) -> Result<Resized, ResizeError> {
    let bitmap = decode(file).await?;
    let (mut width, mut height) = fit(bitmap.width(), bitmap.height(), max_side);
    let mut outcome = Err(ResizeError::TooLarge);
    // Four sizes at most: each step draws at 80 % of the last.
    'sizes: for _ in 0..4 {
        let Some((canvas, context)) = canvas(width, height) else {
            break;
        };
        // A transparent PNG would turn black as a JPEG; white is what a print would show.
        context.set_fill_style_str("#fff");
        context.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
        if context
            .draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, f64::from(width), f64::from(height))
            .is_err()
        {
            outcome = Err(ResizeError::NotAnImage);
            break;
        }
        for quality in QUALITIES {
            if let Some(blob) = encode(&canvas, quality).await {
                if blob.size() <= TARGET_BYTES as f64 {
                    outcome = Ok(Resized { blob, width, height });
                    break 'sizes;
                }
            }
        }
        (width, height) = fit(width, height, (f64::from(width.max(height)) * 0.8) as u32);
    }
    bitmap.close();
    outcome
}
