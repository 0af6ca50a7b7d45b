package dev.livecode.runner.python;

import dev.livecode.core.testing.WarmStartCost.Case;
import java.util.List;

/**
 * Cold against warm start of this module's languages ({@link
 * dev.livecode.core.testing.WarmStartCost}). Not a test: after {@code mvn -pl runner-python
 * verify}, run {@code java -cp runner-python/target/classes:runner-python/target/test-classes:$(cat
 * cp.txt) dev.livecode.runner.python.WarmStartCost [runs]} with cp.txt from {@code mvn -pl
 * runner-python dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}.
 */
public final class WarmStartCost {
  private WarmStartCost() {}

  public static void main(String[] args) throws InterruptedException {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    dev.livecode.core.testing.WarmStartCost.measure(
        runs, List.of(new Case(new PythonRunner(), "print(1)\n", "1\n")));
  }
}
