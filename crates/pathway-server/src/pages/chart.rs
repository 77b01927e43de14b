//! The pay-progression chart: each level of a ladder as a bar from its lowest to its
//! highest basic pay, bottom of the ladder first, drawn on the server as SVG (no script).
//! The SVG is an image with a title and description; the page puts the same figures in a
//! table beside it as the text alternative. Levels with no published figures get no bar
//! and say so in the table.

use askama::Template;
use pathway_app::ladder::Ladder;
use pathway_app::model::Pence;

const WIDTH: i64 = 760;
/// Room on the left for the level names.
const LEFT: i64 = 230;
const RIGHT: i64 = 30;
const ROW: i64 = 34;
const TOP: i64 = 10;
/// Room below for the salary axis labels.
const BOTTOM: i64 = 40;

/// A level's bar.
#[derive(Debug)]
pub(crate) struct Bar {
    pub label: String,
    pub y: i64,
    pub label_y: i64,
    /// Where the bar starts and how long it is; none when the level has no figures.
    pub span: Option<(i64, i64)>,
}

/// A grid line with its salary label.
#[derive(Debug)]
pub(crate) struct Tick {
    pub x: i64,
    pub label: String,
}

#[derive(Debug, Template)]
#[template(path = "components/pay-chart.html")]
pub(crate) struct PayChart {
    pub id: String,
    pub title: String,
    pub description: String,
    pub width: i64,
    pub height: i64,
    pub left: i64,
    pub right_edge: i64,
    pub axis_y: i64,
    pub bar_height: i64,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
}

/// A round step for the salary axis: about five gridlines across the range.
fn step_for(span_pounds: i64) -> i64 {
    let rough = (span_pounds / 5).max(1);
    let mut step = 1_000;
    for candidate in [1_000, 2_000, 2_500, 5_000, 10_000, 20_000, 25_000, 50_000, 100_000] {
        step = candidate;
        if candidate >= rough {
            break;
        }
    }
    step
}

/// The chart of a ladder's levels on its pay date, or none when no level has figures.
pub(crate) fn pay_chart(ladder: &Ladder) -> Option<PayChart> {
    let ranges: Vec<(String, Option<(Pence, Pence)>)> =
        ladder.levels.iter().map(|level| (level.name.clone(), level.pay.min_pence.zip(level.pay.max_pence))).collect();
    let low = ranges.iter().filter_map(|(_, r)| r.map(|(min, _)| min.get() / 100)).min()?;
    let high = ranges.iter().filter_map(|(_, r)| r.map(|(_, max)| max.get() / 100)).max()?;
    let step = step_for(high - low);
    let axis_low = (low / step) * step;
    let axis_high = (high / step + 1) * step;
    let plot = WIDTH - LEFT - RIGHT;
    let x_of = |pounds: i64| LEFT + (pounds - axis_low) * plot / (axis_high - axis_low).max(1);
    let bars: Vec<Bar> = ranges
        .iter()
        .enumerate()
        .map(|(i, (label, range))| {
            let y = TOP + i as i64 * ROW;
            Bar {
                label: label.clone(),
                y: y + 6,
                label_y: y + ROW / 2 + 5,
                span: range.map(|(min, max)| {
                    let start = x_of(min.get() / 100);
                    // A level paid one figure still gets a visible mark.
                    (start, (x_of(max.get() / 100) - start).max(4))
                }),
            }
        })
        .collect();
    let axis_y = TOP + ranges.len() as i64 * ROW;
    let ticks = (0..)
        .map(|n| axis_low + n * step)
        .take_while(|pounds| *pounds <= axis_high)
        .map(|pounds| Tick { x: x_of(pounds), label: Pence::pounds(pounds).to_string() })
        .collect();
    Some(PayChart {
        id: format!("pay-chart-{}", ladder.id),
        title: format!("Basic pay by level at {}", ladder.authority),
        description: format!(
            "A bar for each of {} levels, bottom of the ladder first, from the lowest to the highest basic pay on {}. \
             The table after the chart gives the same figures.",
            ladder.levels.len(),
            super::public::long_date(ladder.pay_date.on)
        ),
        width: WIDTH,
        height: axis_y + BOTTOM,
        left: LEFT,
        right_edge: WIDTH - RIGHT,
        axis_y,
        bar_height: ROW - 12,
        bars,
        ticks,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn a_ladder_with_published_pay_has_a_bar_per_level_and_round_gridlines() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let ladder = pathway_app::viewer::public_ladder("rotherham", None, today).unwrap();
        let chart = pay_chart(&ladder).unwrap();
        assert_eq!(chart.bars.len(), ladder.levels.len());
        assert!(chart.bars.iter().any(|bar| bar.span.is_some()));
        assert!(chart.ticks.len() >= 2, "{:?}", chart.ticks);
        assert!(
            chart
                .ticks
                .iter()
                .all(|tick| tick.label.starts_with('£') && tick.label.ends_with(",000") || tick.label.ends_with("500"))
        );
        let svg = chart.render().unwrap();
        assert!(svg.contains("role=\"img\"") && svg.contains("<title"), "{svg}");
    }
}
