// The explicit list of supported feeds. Adding a vendor = one schema, one module, one fixture folder, one line here.
import { crowdstrikeFdr } from './crowdstrike-fdr.js';
import { elasticDefend } from './elastic-defend.js';
import { endgame } from './endgame.js';
import { sentinelOneCloudFunnel } from './sentinelone-cloud-funnel.js';
import type { VendorFeed } from './types.js';

export const VENDORS: readonly VendorFeed[] = [elasticDefend, crowdstrikeFdr, sentinelOneCloudFunnel, endgame];
