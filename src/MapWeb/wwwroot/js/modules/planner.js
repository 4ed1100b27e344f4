// The planner view (issue 11, point 4): a placeholder until it lands. It will colour admin units by the
// villages no active team reaches (/api/planning/summary), list them ranked, and filter by date.
export function initPlanner() { /* nothing yet */ }
