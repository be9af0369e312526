/**
 * ElastiCache's two windows, in UTC: the daily snapshot window (`hh:mm-hh:mm`, at least 60 minutes) and
 * the weekly maintenance window (`ddd:hh:mm-ddd:hh:mm`, 60 minutes to 24 hours). They must not overlap:
 * ElastiCache refuses the replication group at apply (InvalidParameterCombination).
 */

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const DAY = 24 * 60;
const WEEK = 7 * DAY;
export const SNAPSHOT_WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
export const MAINTENANCE_WINDOW =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;

/** A span of minutes, `end` after `start` (it may pass the end of the day or week). */
interface Span {
  readonly start: number;
  readonly end: number;
}

function minutes(time: string): number {
  const [hours, mins] = time.split(":").map(Number);
  return hours * 60 + mins;
}

function snapshotSpan(window: string): Span {
  const [from, to] = window.split("-").map(minutes);
  return { start: from, end: to > from ? to : to + DAY };
}

function maintenanceSpan(window: string): Span {
  const [from, to] = window.split("-").map((part) => {
    const [day, ...time] = part.split(":");
    return DAYS.indexOf(day) * DAY + minutes(time.join(":"));
  });
  return { start: from, end: to > from ? to : to + WEEK };
}

const overlap = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

/** Why ElastiCache would refuse the windows, or undefined. Both must match their patterns. */
export function windowsProblem(snapshotWindow: string, maintenanceWindow: string): string | undefined {
  const snapshot = snapshotSpan(snapshotWindow);
  const maintenance = maintenanceSpan(maintenanceWindow);
  if (snapshot.end - snapshot.start < 60) {
    return `snapshotWindow '${snapshotWindow}' is shorter than the 60 minutes ElastiCache requires`;
  }
  const length = maintenance.end - maintenance.start;
  if (length < 60 || length > DAY) {
    return `maintenanceWindow '${maintenanceWindow}' lasts ${length} minutes; ElastiCache allows 60 minutes to 24 hours`;
  }
  // Every day's snapshot window, this week and the next, against the maintenance window.
  for (let day = 0; day <= 8; day++) {
    const daily = { start: snapshot.start + day * DAY, end: snapshot.end + day * DAY };
    for (const shift of [-WEEK, 0, WEEK]) {
      if (overlap(daily, { start: maintenance.start + shift, end: maintenance.end + shift })) {
        return `snapshotWindow '${snapshotWindow}' overlaps maintenanceWindow '${maintenanceWindow}'; ElastiCache requires them apart`;
      }
    }
  }
  return undefined;
}
