//! The file format: safetensors, tensors named `main.*` and `fallback.*`,
//! metadata JSON under the header key `emo-pipe`.

use crate::svm::{CompactSvm, Machine};
use crate::{Meta, Model, ModelError, Pipeline};
use emo_dae::EmotionEncoder;
use emo_norm::MinMax;
use emo_svm::probability::Platt;
use ndarray::{Array1, Array2};
use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use std::collections::HashMap;

/// Version of the layout; a reader refuses files with a larger one.
pub const FORMAT_VERSION: u32 = 1;

const META_KEY: &str = "emo-pipe";

struct Tensor {
    name: String,
    dtype: Dtype,
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

fn f64s(name: String, shape: Vec<usize>, v: impl IntoIterator<Item = f64>) -> Tensor {
    let bytes = v.into_iter().flat_map(f64::to_le_bytes).collect();
    Tensor {
        name,
        dtype: Dtype::F64,
        shape,
        bytes,
    }
}

fn f32s(name: String, shape: Vec<usize>, v: impl IntoIterator<Item = f32>) -> Tensor {
    let bytes = v.into_iter().flat_map(f32::to_le_bytes).collect();
    Tensor {
        name,
        dtype: Dtype::F32,
        shape,
        bytes,
    }
}

fn f16s(name: String, shape: Vec<usize>, v: impl IntoIterator<Item = f32>) -> Tensor {
    let bytes = v
        .into_iter()
        .flat_map(|x| half::f16::from_f32(x).to_le_bytes())
        .collect();
    Tensor {
        name,
        dtype: Dtype::F16,
        shape,
        bytes,
    }
}

fn u32s(name: String, shape: Vec<usize>, v: impl IntoIterator<Item = u32>) -> Tensor {
    let bytes = v.into_iter().flat_map(u32::to_le_bytes).collect();
    Tensor {
        name,
        dtype: Dtype::U32,
        shape,
        bytes,
    }
}

fn pipeline_tensors(prefix: &str, p: &Pipeline, half: bool, out: &mut Vec<Tensor>) {
    let n = |s: &str| format!("{prefix}.{s}");
    let wide = |name: String, shape: Vec<usize>, v: Vec<f32>| {
        if half {
            f16s(name, shape, v)
        } else {
            f32s(name, shape, v)
        }
    };
    let d = p.minmax.min.len();
    out.push(f64s(n("minmax.min"), vec![d], p.minmax.min.iter().copied()));
    out.push(f64s(n("minmax.max"), vec![d], p.minmax.max.iter().copied()));
    if let Some(e) = &p.encoder {
        out.push(wide(
            n("encoder.weight"),
            e.w.shape().to_vec(),
            e.w.iter().copied().collect(),
        ));
        out.push(wide(n("encoder.bias"), vec![e.b.len()], e.b.to_vec()));
    }
    let s = &p.svm;
    let m = s.machines.len();
    out.push(wide(
        n("svm.support"),
        s.support.shape().to_vec(),
        s.support.iter().copied().collect(),
    ));
    out.push(f64s(n("svm.gamma"), vec![1], [s.gamma]));
    out.push(u32s(n("svm.n_classes"), vec![1], [s.n_classes as u32]));
    out.push(u32s(
        n("svm.pairs"),
        vec![m, 2],
        s.machines.iter().flat_map(|k| [k.a as u32, k.b as u32]),
    ));
    let mut offsets = vec![0u32];
    for k in &s.machines {
        offsets.push(offsets[offsets.len() - 1] + k.sv.len() as u32);
    }
    let total = offsets[m] as usize;
    out.push(u32s(n("svm.sv_offsets"), vec![m + 1], offsets));
    out.push(u32s(
        n("svm.sv_index"),
        vec![total],
        s.machines.iter().flat_map(|k| k.sv.iter().copied()),
    ));
    out.push(f64s(
        n("svm.coef"),
        vec![total],
        s.machines.iter().flat_map(|k| k.coef.iter().copied()),
    ));
    out.push(f64s(
        n("svm.rho"),
        vec![m],
        s.machines.iter().map(|k| k.rho),
    ));
    out.push(f64s(
        n("svm.platt"),
        vec![m, 2],
        s.machines.iter().flat_map(|k| [k.platt.a, k.platt.b]),
    ));
}

pub fn to_bytes(model: &Model) -> Result<Vec<u8>, ModelError> {
    let mut tensors = Vec::new();
    pipeline_tensors("main", &model.main, model.meta.half, &mut tensors);
    if let Some(f) = &model.fallback {
        pipeline_tensors("fallback", f, model.meta.half, &mut tensors);
    }
    let bad = |reason: String| ModelError::Format {
        path: "(model being written)".into(),
        reason,
    };
    let views: Vec<(String, TensorView)> = tensors
        .iter()
        .map(|t| {
            TensorView::new(t.dtype, t.shape.clone(), &t.bytes)
                .map(|v| (t.name.clone(), v))
                .map_err(|e| bad(format!("{}: {e:?}", t.name)))
        })
        .collect::<Result<_, _>>()?;
    let meta = serde_json::to_string(&model.meta).map_err(|e| bad(e.to_string()))?;
    let info = Some(HashMap::from([(META_KEY.to_string(), meta)]));
    safetensors::serialize(views, &info).map_err(|e| bad(format!("{e:?}")))
}

/// Reads tensors by name with their expected type, checking sizes.
struct Reader<'a> {
    st: SafeTensors<'a>,
    path: &'a str,
}

impl Reader<'_> {
    fn bad(&self, reason: String) -> ModelError {
        ModelError::Format {
            path: self.path.to_string(),
            reason,
        }
    }

    fn raw(
        &self,
        name: &str,
        dtype: Dtype,
        width: usize,
    ) -> Result<(Vec<usize>, &[u8]), ModelError> {
        let t = self
            .st
            .tensor(name)
            .map_err(|_| self.bad(format!("tensor '{name}' is missing")))?;
        if t.dtype() != dtype {
            return Err(self.bad(format!(
                "tensor '{name}' is {:?}, expected {dtype:?}",
                t.dtype()
            )));
        }
        let n: usize = t.shape().iter().product();
        if t.data().len() != n * width {
            return Err(self.bad(format!("tensor '{name}' has the wrong number of bytes")));
        }
        Ok((t.shape().to_vec(), t.data()))
    }

    fn f64s(&self, name: &str) -> Result<(Vec<usize>, Vec<f64>), ModelError> {
        let (shape, b) = self.raw(name, Dtype::F64, 8)?;
        let v: Vec<f64> = b
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
            .collect();
        if v.iter().any(|x| !x.is_finite()) {
            return Err(self.bad(format!("tensor '{name}' holds non-finite values")));
        }
        Ok((shape, v))
    }

    /// Single- or half-precision values (as the file stores them) as f32.
    fn f32s(&self, name: &str) -> Result<(Vec<usize>, Vec<f32>), ModelError> {
        let half = self
            .st
            .tensor(name)
            .map(|t| t.dtype() == Dtype::F16)
            .unwrap_or(false);
        let (shape, v): (Vec<usize>, Vec<f32>) = if half {
            let (shape, b) = self.raw(name, Dtype::F16, 2)?;
            (
                shape,
                b.chunks_exact(2)
                    .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
                    .collect(),
            )
        } else {
            let (shape, b) = self.raw(name, Dtype::F32, 4)?;
            (
                shape,
                b.chunks_exact(4)
                    .map(|c| f32::from_le_bytes(c.try_into().unwrap_or([0; 4])))
                    .collect(),
            )
        };
        if v.iter().any(|x| !x.is_finite()) {
            return Err(self.bad(format!("tensor '{name}' holds non-finite values")));
        }
        Ok((shape, v))
    }

    fn u32s(&self, name: &str) -> Result<(Vec<usize>, Vec<u32>), ModelError> {
        let (shape, b) = self.raw(name, Dtype::U32, 4)?;
        Ok((
            shape,
            b.chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap_or([0; 4])))
                .collect(),
        ))
    }

    fn matrix_f32(&self, name: &str) -> Result<Array2<f32>, ModelError> {
        let (shape, v) = self.f32s(name)?;
        if shape.len() != 2 {
            return Err(self.bad(format!("tensor '{name}' is not a matrix")));
        }
        Array2::from_shape_vec((shape[0], shape[1]), v)
            .map_err(|e| self.bad(format!("{name}: {e}")))
    }

    fn pipeline(
        &self,
        prefix: &str,
        norm: emo_eval::Norm,
        meta: &Meta,
    ) -> Result<Pipeline, ModelError> {
        let n = |s: &str| format!("{prefix}.{s}");
        let (_, min) = self.f64s(&n("minmax.min"))?;
        let (_, max) = self.f64s(&n("minmax.max"))?;
        if min.len() != meta.n_features || max.len() != meta.n_features {
            return Err(self.bad(format!(
                "{prefix}: min-max ranges do not have {} features",
                meta.n_features
            )));
        }
        let encoder = if meta.system == "static" {
            None
        } else {
            let w = self.matrix_f32(&n("encoder.weight"))?;
            let (_, b) = self.f32s(&n("encoder.bias"))?;
            if w.ncols() != meta.n_features || b.len() != w.nrows() {
                return Err(self.bad(format!("{prefix}: encoder shapes do not fit")));
            }
            Some(EmotionEncoder {
                w,
                b: Array1::from(b),
            })
        };
        let support = self.matrix_f32(&n("svm.support"))?;
        let width = encoder.as_ref().map_or(meta.n_features, |e| e.w.nrows());
        if support.ncols() != width && support.nrows() > 0 {
            return Err(self.bad(format!(
                "{prefix}: support vectors have {} values, expected {width}",
                support.ncols()
            )));
        }
        let (_, gamma) = self.f64s(&n("svm.gamma"))?;
        let (_, n_classes) = self.u32s(&n("svm.n_classes"))?;
        let (_, pairs) = self.u32s(&n("svm.pairs"))?;
        let (_, offsets) = self.u32s(&n("svm.sv_offsets"))?;
        let (_, index) = self.u32s(&n("svm.sv_index"))?;
        let (_, coef) = self.f64s(&n("svm.coef"))?;
        let (_, rho) = self.f64s(&n("svm.rho"))?;
        let (_, platt) = self.f64s(&n("svm.platt"))?;
        let m = rho.len();
        let n_classes = n_classes.first().copied().unwrap_or(0) as usize;
        let gamma = gamma.first().copied().unwrap_or(0.0);
        if n_classes != meta.classes.len()
            || pairs.len() != 2 * m
            || offsets.len() != m + 1
            || platt.len() != 2 * m
            || index.len() != coef.len()
            || offsets.last().copied().unwrap_or(0) as usize != index.len()
            || offsets.windows(2).any(|w| w[0] > w[1])
            || index.iter().any(|&i| i as usize >= support.nrows())
            || pairs.iter().any(|&c| c as usize >= n_classes)
            || gamma <= 0.0
        {
            return Err(self.bad(format!("{prefix}: the SVM tensors are inconsistent")));
        }
        let machines = (0..m)
            .map(|k| {
                let (lo, hi) = (offsets[k] as usize, offsets[k + 1] as usize);
                Machine {
                    a: pairs[2 * k] as usize,
                    b: pairs[2 * k + 1] as usize,
                    sv: index[lo..hi].to_vec(),
                    coef: coef[lo..hi].to_vec(),
                    rho: rho[k],
                    platt: Platt {
                        a: platt[2 * k],
                        b: platt[2 * k + 1],
                    },
                }
            })
            .collect();
        Ok(Pipeline {
            norm,
            minmax: MinMax {
                min: Array1::from(min),
                max: Array1::from(max),
            },
            encoder,
            svm: CompactSvm {
                n_classes,
                gamma,
                support,
                machines,
            },
        })
    }
}

pub fn from_bytes(bytes: &[u8], path: &str) -> Result<Model, ModelError> {
    let bad = |reason: String| ModelError::Format {
        path: path.to_string(),
        reason,
    };
    let (_, header) = SafeTensors::read_metadata(bytes)
        .map_err(|e| bad(format!("not a safetensors file or truncated ({e:?})")))?;
    let json = header
        .metadata()
        .as_ref()
        .and_then(|m| m.get(META_KEY))
        .ok_or_else(|| bad("no emo-pipe metadata in the header".into()))?;
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| bad(format!("metadata: {e}")))?;
    // the version first, so a newer file says so rather than failing on a field
    let version = value
        .get("format_version")
        .and_then(|v| v.as_u64())
        .unwrap_or(0);
    if value.get("format").and_then(|v| v.as_str()) != Some("emo-pipe-model") {
        return Err(bad("the metadata is not an emo-pipe model's".into()));
    }
    if version > u64::from(FORMAT_VERSION) {
        return Err(ModelError::Newer {
            path: path.to_string(),
            found: version as u32,
            supported: FORMAT_VERSION,
        });
    }
    let meta: Meta = serde_json::from_value(value).map_err(|e| bad(format!("metadata: {e}")))?;
    let st = SafeTensors::deserialize(bytes)
        .map_err(|e| bad(format!("truncated or corrupt tensors ({e:?})")))?;
    let r = Reader { st, path };
    let main = r.pipeline("main", meta.normalisation, &meta)?;
    let fallback = match meta.fallback_normalisation {
        Some(n) => Some(r.pipeline("fallback", n, &meta)?),
        None => None,
    };
    Ok(Model {
        meta,
        main,
        fallback,
    })
}
