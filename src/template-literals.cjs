// Lists every template literal of JavaScript and TypeScript files, as the
// TypeScript compiler parses them: its text pieces (as JavaScript reads them,
// escapes resolved) and the source of each `${...}` expression. Used by
// `tools::template_literals` to prove that user text never becomes an expression.
//
// usage: node template-literals.cjs TYPESCRIPT_MODULE FILE...
"use strict";

const fs = require("fs");
const ts = require(process.argv[2]);

const files = process.argv.slice(3).map((file) => {
  const source = fs.readFileSync(file, "utf8");
  const kind = file.endsWith(".ts") ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kind);
  const templates = [];
  const visit = (node) => {
    if (ts.isTemplateExpression(node)) {
      const texts = [node.head.text];
      const expressions = [];
      for (const span of node.templateSpans) {
        expressions.push(span.expression.getText(sf));
        texts.push(span.literal.text);
      }
      templates.push({ texts, expressions });
    } else if (ts.isNoSubstitutionTemplateLiteral(node)) {
      templates.push({ texts: [node.text], expressions: [] });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const diagnostics = (sf.parseDiagnostics || []).map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  );
  return { file, diagnostics, templates };
});
process.stdout.write(JSON.stringify(files));
