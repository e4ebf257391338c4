//! Parabolic interpolation through three points.

/// Vertex `(x, y)` of the parabola through three points. Falls back to the
/// largest of the three points when they are collinear or the system is singular.
pub fn parabola_vertex(p1: (f64, f64), p2: (f64, f64), p3: (f64, f64)) -> (f64, f64) {
    let ((x1, y1), (x2, y2), (x3, y3)) = (p1, p2, p3);
    let den =
        x1 * x1 * x2 + x2 * x2 * x3 + x3 * x3 * x1 - x3 * x3 * x2 - x2 * x2 * x1 - x1 * x1 * x3;
    if den != 0.0 {
        let a = (y1 * x2 + y2 * x3 + y3 * x1 - y3 * x2 - y2 * x1 - y1 * x3) / den;
        let b = (x1 * x1 * y2 + x2 * x2 * y3 + x3 * x3 * y1
            - x3 * x3 * y2
            - x2 * x2 * y1
            - x1 * x1 * y3)
            / den;
        let c = (x1 * x1 * x2 * y3 + x2 * x2 * x3 * y1 + x3 * x3 * x1 * y2
            - x3 * x3 * x2 * y1
            - x2 * x2 * x1 * y3
            - x1 * x1 * x3 * y2)
            / den;
        if a != 0.0 {
            let x = -b / (2.0 * a);
            return (x, c - a * x * x);
        }
    }
    if y1 > y2 && y1 > y3 {
        (x1, y1)
    } else if y2 > y1 && y2 > y3 {
        (x2, y2)
    } else if y3 > y1 && y3 > y2 {
        (x3, y3)
    } else {
        (x1, y1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vertex_of_known_parabola() {
        // y = -(x-1.25)^2 + 3
        let f = |x: f64| -(x - 1.25) * (x - 1.25) + 3.0;
        let (x, y) = parabola_vertex((0.0, f(0.0)), (1.0, f(1.0)), (2.0, f(2.0)));
        assert!((x - 1.25).abs() < 1e-12 && (y - 3.0).abs() < 1e-12);
    }

    #[test]
    fn collinear_points_fall_back_to_the_largest() {
        assert_eq!(
            parabola_vertex((0.0, 1.0), (1.0, 2.0), (2.0, 3.0)),
            (2.0, 3.0)
        );
    }
}
