import { runTaskServer } from "../cli/run-task/handler";
import { FakeTerraformCloud, listenOnLoopback, postSigned } from "../__tests__/support/fake-terraform-cloud";
import { Sample, sample } from "./stats";

const KEY = "bench-run-task-hmac-key";
const TOKEN = "bench-run-task-token";

export interface RunTaskLatency {
  /** Seconds from the end of the plan download to the arrival of the task result. */
  readonly seconds: Sample;
  /** The result's status and outcome count (the same every run). */
  readonly status: string;
  readonly outcomes: number;
}

/**
 * The run task endpoint (`stateful-ecs run-task serve`'s handler, in this process) on loopback against the
 * tests' fake Terraform Cloud serving `planText`: per run, one signed post_plan request, and the time from the
 * moment the plan download was sent to the moment the callback had arrived (the review, the result and
 * the PATCH). One warm-up run, then `runs`.
 */
export async function measureRunTaskLatency(planText: string, runs: number): Promise<RunTaskLatency> {
  const cloud = new FakeTerraformCloud(TOKEN);
  const endpoint = runTaskServer({ hmacKey: KEY, log: () => undefined });
  await cloud.start();
  const endpointUrl = `${await listenOnLoopback(endpoint)}/`;
  cloud.plans.set("bench", planText);
  const once = async (id: string) => {
    const response = await postSigned(endpointUrl, JSON.stringify(cloud.taskRequest(id, "bench")), { key: KEY });
    if (response.status !== 200) throw new Error(`the run task endpoint answered ${response.status}`);
    const callback = await cloud.callback(id, 60_000);
    const downloaded = cloud.downloadedAt.get("bench");
    if (!callback || downloaded === undefined) throw new Error("the run task sent no result within a minute");
    return { seconds: (callback.receivedAt - downloaded) / 1000, body: callback.body };
  };
  try {
    await once("warm-up");
    const measured = [];
    for (let run = 0; run < runs; run++) measured.push(await once(`run-${run}`));
    const { attributes, relationships } = measured[0].body.data;
    return {
      seconds: sample(measured.map((run) => run.seconds)),
      status: attributes.status,
      outcomes: relationships?.outcomes.data.length ?? 0,
    };
  } finally {
    await new Promise((resolve) => endpoint.close(resolve));
    await cloud.stop();
  }
}
