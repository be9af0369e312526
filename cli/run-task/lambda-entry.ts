import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { HMAC_KEY_SECRET_ENV, lambdaHandler } from "./lambda";

/**
 * The entry point of the run task's Lambda function (`index.handler` in the bundle that `stacks/run-task`
 * packages): the AWS SDK the Node.js runtime provides, wired into `lambdaHandler`. The function's role may
 * read the HMAC key's secret and invoke this function, nothing else.
 */

const secrets = new SecretsManagerClient({});
const lambda = new LambdaClient({});

export const handler = lambdaHandler({
  async hmacKey() {
    const secretId = process.env[HMAC_KEY_SECRET_ENV];
    if (!secretId) throw new Error(`${HMAC_KEY_SECRET_ENV} is not set`);
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`the secret ${secretId} holds no string: put the run task's HMAC key in it`);
    // `put-secret-value --secret-string "$(...)"` may leave a newline that the key in Terraform Cloud lacks.
    return SecretString.trim();
  },
  async invokeAsync(functionArn, event) {
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionArn,
        InvocationType: "Event",
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
  },
});
