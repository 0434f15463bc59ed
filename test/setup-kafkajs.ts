// Every test worker's own kafkajs clients get the same negative-timer fix as the service (no TimeoutNegativeWarning).
import { installKafkajsTimerFix } from '../src/kafka/kafkajs-timer-fix.js';

installKafkajsTimerFix();
