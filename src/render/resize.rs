//! `resize_image(path, width, height, op, format)`: any template can ask for a version of a
//! published picture, as Zola's function of the same name does, and gets the same fields
//! back (`url`, `static_path`, `width`, `height`, `orig_width`, `orig_height`), so Zola
//! themes port unchanged. The version is registered with the site's pictures and made
//! with the others ([`crate::images`]).

use std::sync::{Arc, PoisonError, RwLock};

use serde::Serialize;

use crate::images::Images;
use crate::images::process::{Format, Op};

/// The site's pictures, swapped in by each render (templates are compiled once, sites
/// loaded many times in `serve`).
pub type ImagesSlot = Arc<RwLock<Arc<Images>>>;

/// What `resize_image` returns.
#[derive(Debug, Serialize)]
struct Resized {
    url: String,
    static_path: String,
    width: u32,
    height: u32,
    orig_width: u32,
    orig_height: u32,
}

/// Registers `resize_image` on `tera`, reading the pictures of whatever site `slot` holds.
pub fn register(tera: &mut tera::Tera, slot: &ImagesSlot) {
    let slot = Arc::clone(slot);
    tera.register_function(
        "resize_image",
        move |kwargs: tera::Kwargs, state: &tera::State| -> tera::TeraResult<tera::Value> {
            let images = Arc::clone(&slot.read().unwrap_or_else(PoisonError::into_inner));
            resize(&images, &kwargs, state)
                .map_err(|e| tera::Error::message(format!("resize_image: {e}")))
        },
    );
}

fn resize(
    images: &Images,
    kwargs: &tera::Kwargs,
    state: &tera::State,
) -> Result<tera::Value, String> {
    let arg = |name: &str| kwargs.get::<tera::Value>(name).map_err(|e| e.to_string());
    let path = kwargs.must_get::<&str>("path").map_err(|e| e.to_string())?;
    let width = arg("width")?
        .and_then(|v| v.as_i128())
        .map(|w| w.clamp(0, 10_000) as u32);
    let height = arg("height")?
        .and_then(|v| v.as_i128())
        .map(|h| h.clamp(0, 10_000) as u32);
    let op_name = kwargs
        .get::<&str>("op")
        .map_err(|e| e.to_string())?
        .unwrap_or("fill");
    let format = match kwargs
        .get::<&str>("format")
        .map_err(|e| e.to_string())?
        .unwrap_or("auto")
    {
        "auto" => None,
        name => Some(
            Format::parse(name)
                .ok_or_else(|| format!("format `{name}`: use auto, jpg, png, webp or avif"))?,
        ),
    };
    let source = images.source_for_template(path)?;
    let (w0, h0) = (source.probe.width, source.probe.height);
    let op = operation(op_name, width, height, w0, h0)?;
    let (rel, w, h) = images.template_variant(&source, op, format)?;
    let root: String = state
        .get::<tera::Value>("site")
        .ok()
        .flatten()
        .and_then(|s| {
            s.get_from_path("root")
                .and_then(|r| r.as_str().map(str::to_string))
        })
        .unwrap_or_else(|| "/".into());
    let resized = Resized {
        url: crate::slug::encode_path(&format!("{root}{rel}")),
        static_path: rel,
        width: w,
        height: h,
        orig_width: w0,
        orig_height: h0,
    };
    Ok(tera::Value::from_serializable(&resized))
}

/// Zola's operations, as sizes of the picture (never enlarged).
fn operation(
    op: &str,
    width: Option<u32>,
    height: Option<u32>,
    w0: u32,
    h0: u32,
) -> Result<Op, String> {
    let need = |v: Option<u32>, name: &str| {
        v.filter(|&v| v > 0)
            .ok_or(format!("op `{op}` needs a {name}"))
    };
    let by_height = |h: u32| ((u64::from(h) * u64::from(w0)) / u64::from(h0.max(1))).max(1) as u32;
    Ok(match op {
        "fit_width" => Op::Width(need(width, "width")?),
        "fit_height" => Op::Width(by_height(need(height, "height")?)),
        "fit" => Op::Width(need(width, "width")?.min(by_height(need(height, "height")?))),
        "fill" => Op::Fill {
            width: need(width, "width")?,
            height: need(height, "height")?,
        },
        "scale" => {
            return Err(
                "op `scale` (stretching) is not supported: use fill, fit, fit_width or fit_height"
                    .into(),
            );
        }
        other => {
            return Err(format!(
                "unknown op `{other}`: use fill, fit, fit_width or fit_height"
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zola_operations_become_sizes() {
        assert_eq!(
            operation("fit_width", Some(480), None, 1600, 900),
            Ok(Op::Width(480))
        );
        assert_eq!(
            operation("fit_height", None, Some(450), 1600, 900),
            Ok(Op::Width(800))
        );
        assert_eq!(
            operation("fit", Some(800), Some(300), 1600, 900),
            Ok(Op::Width(533))
        );
        assert_eq!(
            operation("fill", Some(480), Some(270), 1600, 900),
            Ok(Op::Fill {
                width: 480,
                height: 270
            })
        );
        assert!(operation("fill", Some(480), None, 1600, 900).is_err());
        assert!(operation("scale", Some(480), Some(10), 1600, 900).is_err());
    }
}
