import { Fn, Token } from "cdktf";
import { isKnown } from "../core/tokens";

/**
 * The ECS-optimized Amazon Linux 2023 AMI for an instance type, as a `resolve:ssm:` parameter that EC2
 * reads at every launch (no data source, so stacks plan offline). Graviton types (`a1`, and every family
 * with a `g` after its generation: `t4g`, `m7gd`, `c7gn`, `im4gn`...) need the arm64 image; an x86_64 AMI
 * on them fails at launch, and on a self-healing group it fails on every replacement.
 */
const X86_64 = "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
const ARM64 = "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id";

/** A Graviton instance type, as an RE2 pattern Terraform's `regex()` takes too. */
export const GRAVITON = "^(a1|[a-z]+[0-9]+[a-z0-9-]*g[a-z0-9-]*)[.]";

/** The AMI parameter for `instanceType`; a Terraform conditional when the type is a token. */
export function ecsOptimizedAmi(instanceType: string): string {
  if (isKnown(instanceType)) return new RegExp(GRAVITON).test(instanceType) ? ARM64 : X86_64;
  return Token.asString(Fn.conditional(Fn.can(Fn.regex(GRAVITON, instanceType)), ARM64, X86_64));
}
