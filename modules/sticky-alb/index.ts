export * from "./sticky-alb";
