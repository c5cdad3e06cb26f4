// remark-cli configuration for `make bench` (copied into build/bench-node,
// where its imports resolve). Run from the site's root; BENCH_SCHEMA is the
// front matter schema's path relative to it (the schema plugin joins it to
// the working directory).
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkValidateLinks from 'remark-validate-links';
import remarkLintFrontmatterSchema from 'remark-lint-frontmatter-schema';

export default {
	plugins: [
		[remarkFrontmatter, ['yaml']],
		// Hugo's Goldmark parses tables and footnotes: without GFM, remark
		// reads a footnote `[^1]: see [x](../y/)` as a link definition.
		remarkGfm,
		// No Git repository here; the site is the root. Absolute paths
		// (/posts/x/, /images/x.png) are left unchecked: the plugin resolves
		// them only against a hosted Git URL.
		[remarkValidateLinks, { repository: false, root: process.cwd() }],
		[remarkLintFrontmatterSchema, { schemas: { [process.env.BENCH_SCHEMA]: ['content/**/*.md'] } }],
	],
};
