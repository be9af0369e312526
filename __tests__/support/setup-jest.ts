import "../../cli/baseline-wasm";
import { Testing } from "cdktf";
// Brings the matchers' type declarations (a global augmentation of jest.Matchers) into the type check.
import "cdktf/lib/testing/adapters/jest";

// cdktf's matchers: toHaveResourceWithProperties, toBeValidTerraform and the rest.
Testing.setupJest();
