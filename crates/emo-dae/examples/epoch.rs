//! Times training epochs of one 1582 → 800 DAE at batch 1000 on random data
//! in [0, 1] (f32), for `bench/dae_vs_torch.py`.
//! Usage: epoch [rows] [epochs]; prints one line of JSON.

use emo_dae::{train::train_dae, Corruption, Dae, LossScale, Stage};
use ndarray::Array2;
use rand::{rngs::StdRng, Rng, SeedableRng};

fn main() {
    let mut args = std::env::args().skip(1);
    let rows: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let epochs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let mut rng = StdRng::seed_from_u64(0);
    let x = Array2::from_shape_simple_fn((rows, 1582), || rng.gen_range(0.0f32..1.0));
    let mut dae = Dae::random(1582, 800, &mut rng);
    let stage = Stage {
        epochs: 1,
        lr: 0.01,
        batch: 1000,
    };
    let mut times = Vec::new();
    for _ in 0..epochs {
        let t = std::time::Instant::now();
        let h = train_dae(
            &mut dae,
            x.view(),
            &stage,
            Corruption::Gaussian(0.1),
            LossScale::Sum,
            None,
            &mut rng,
        )
        .expect("training");
        times.push(t.elapsed().as_secs_f64());
        assert!(h.loss[0].is_finite());
    }
    let best = times.iter().cloned().fold(f64::INFINITY, f64::min);
    println!(
        "{{\"rows\": {rows}, \"batch\": 1000, \"threads\": {}, \"epoch_seconds\": {times:?}, \"best\": {best}}}",
        rayon::current_num_threads()
    );
}
