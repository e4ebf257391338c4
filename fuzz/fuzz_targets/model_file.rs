//! Any bytes as a model file: a model or a clear error, never a panic; a model
//! that loads must classify a row of zeros.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = emo_model::Model::from_bytes(data, "fuzz") {
        let x = ndarray_zeros(m.meta.n_features);
        let _ = m.classify(x.view(), None);
    }
});

fn ndarray_zeros(d: usize) -> emo_model::ndarray::Array2<f64> {
    emo_model::ndarray::Array2::zeros((1, d.min(4096)))
}
