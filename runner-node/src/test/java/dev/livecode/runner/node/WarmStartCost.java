package dev.livecode.runner.node;

import dev.livecode.core.testing.WarmStartCost.Case;
import java.util.List;

/**
 * Cold against warm start of this module's languages ({@link
 * dev.livecode.core.testing.WarmStartCost}). Not a test: after {@code mvn -pl runner-node verify},
 * run {@code java -cp runner-node/target/classes:runner-node/target/test-classes:$(cat cp.txt)
 * dev.livecode.runner.node.WarmStartCost [runs]} with cp.txt from {@code mvn -pl runner-node
 * dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}.
 */
public final class WarmStartCost {
  private WarmStartCost() {}

  public static void main(String[] args) throws InterruptedException {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    dev.livecode.core.testing.WarmStartCost.measure(
        runs,
        List.of(
            new Case(new JavaScriptRunner(), "console.log(1)\n", "1\n"),
            new Case(new TypeScriptRunner(), "const n: number = 1;\nconsole.log(n);\n", "1\n")));
  }
}
