// The dashboard's realtime client is the SDK's (packages/client, `@switchboard/client`): one implementation of
// rooms, replay with `since`, dedupe and resync for the browser and for agents. Re-exported here for the app.
export { RealtimeClient, type ConnectionState, type RealtimeHandlers } from "@switchboard/client/realtime";
