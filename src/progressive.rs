//! Progressive rendering of long pages: how many of a step's top-level nodes each frame
//! shows, by the number of questions they hold (pure, so it is tested natively).

use antrag_core::Node;

/// Questions (fields, counted inside groups) rendered before the first paint; the rest
/// follow over the next frames. Enough to fill a phone screen and more.
const FIRST: usize = 20;
/// Questions added per frame after the first ones.
const PER_FRAME: usize = 100;

/// The number of questions a node renders: a field is one, a group its fields (each entry
/// it starts with, at least one).
fn weight(node: &Node) -> usize {
    match node {
        Node::Field(_) => 1,
        Node::Group(group) => {
            let entries = if group.max == Some(1) { 1 } else { (group.min as usize).max(1) };
            entries * group.items.iter().map(weight).sum::<usize>().max(1)
        }
    }
}

/// How many of `nodes` each frame shows: cumulative counts, the first reaching `FIRST`
/// questions, each further one `PER_FRAME` more (whole top-level nodes, at least one each).
pub fn chunks(nodes: &[Node]) -> Vec<usize> {
    let (mut ends, mut budget, mut sum) = (Vec::new(), FIRST, 0);
    for (i, node) in nodes.iter().enumerate() {
        sum += weight(node);
        if sum >= budget {
            ends.push(i + 1);
            budget = sum + PER_FRAME;
        }
    }
    if ends.last() != Some(&nodes.len()) {
        ends.push(nodes.len());
    }
    ends
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(fields: usize) -> Vec<Node> {
        let def: antrag_core::FormDef =
            serde_json::from_value(antrag_core::generate::definition(fields)).expect("generated definition");
        def.items
    }

    #[test]
    fn a_large_page_starts_with_a_screenful_and_grows_by_a_hundred_questions() {
        // 1000 questions in 100 sections of ten.
        let ends = chunks(&nodes(1000));
        assert_eq!(ends.first(), Some(&2), "20 questions first");
        assert_eq!(ends.get(1), Some(&12), "then 100 more");
        assert_eq!(ends.last(), Some(&100), "and everything in the end");
        assert!(ends.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_small_page_renders_at_once() {
        assert_eq!(chunks(&nodes(15)), vec![2]);
        assert_eq!(chunks(&[]), vec![0]);
    }
}
