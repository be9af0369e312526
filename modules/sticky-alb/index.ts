export { StickyAlb } from "./sticky-alb";
export type { HealthCheckOptions, Stickiness, StickyAlbProps } from "./sticky-alb";
