#!/usr/bin/env bash
# Regenerates the API's clients from the document the gateway serves: the tests' C# client
# (Tests/ApiClient/OutboundApiClient.g.cs) and the web console's types (console/src/api/schema.d.ts).
# Run it after any change to the API's document, then review and commit the diff.
set -euo pipefail
cd "$(dirname "$0")/.."
# The tests that compare the clients rewrite them instead; test.sh brings the gateway's storage (Azurite).
REGENERATE_API_CLIENTS=1 ./test.sh --filter "FullyQualifiedName~Outbound.Tests.ApiClient.GeneratedClientsTests"
