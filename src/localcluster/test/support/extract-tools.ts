// `npm run tools`: unzips the pinned kubectl and helm into .tools/ and prints where they are.
import { toolPaths } from './tools.js';

const { kubectl, helm } = toolPaths();
console.log(`kubectl: ${kubectl}\nhelm:    ${helm}`);
