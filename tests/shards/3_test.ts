// Shard 3 of the test files (tests/_shards.ts says why and which).
import { runShard } from "../_shards.ts";

await runShard(3);
