package dev.livecode.runner.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livecode.core.Execution;
import dev.livecode.core.spi.LanguageRunner;
import dev.livecode.testing.LanguageRunnerContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TypeScriptRunnerIT extends LanguageRunnerContract {

  @Override
  protected LanguageRunner runner() {
    return new TypeScriptRunner();
  }

  @Override
  protected String printLine(String text) {
    return "const text: string = \"" + text + "\";\nconsole.log(text);\n";
  }

  @Override
  protected String infiniteLoop() {
    return "let n: number = 0;\nwhile (true) { n++; }\n";
  }

  @Override
  protected String crash() {
    return "function f(): never {\n  throw new Error('boom');\n}\nf();\n";
  }

  @Override
  protected String writeBytes(int bytes) {
    return "const line: string = 'x'.repeat(63) + '\\n';\nfor (let i = 0; i < "
        + (bytes / 64 + 1)
        + "; i++) process.stdout.write(line);\n";
  }

  @Override
  protected String echoStdin() {
    return "import * as fs from 'fs';\nprocess.stdout.write(fs.readFileSync(0, 'utf8'));\n";
  }

  @Test
  void runsTypesInterfacesEnumsGenericsClassesAndAsyncAwait() {
    String source =
        """
        interface Shape {
          readonly name: string;
          area(): number;
        }
        enum Color { Red, Green = 'green', Blue = 5 }
        type Pair<A, B> = [A, B];
        class Square implements Shape {
          readonly name = 'square';
          constructor(private readonly side: number) {}
          area(): number { return this.side * this.side; }
        }
        abstract class Box<T> {
          protected items: T[] = [];
          add(item: T): this { this.items.push(item); return this; }
          abstract describe(): string;
        }
        class NumberBox extends Box<number> {
          describe(): string { return this.items.map((n: number) => n.toFixed(1)).join(','); }
        }
        function first<T>(values: T[]): T | undefined { return values[0]; }
        const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
        async function main(): Promise<void> {
          const shapes: Shape[] = [new Square(3)];
          const pair: Pair<string, number> = [shapes[0].name, shapes[0].area()];
          await sleep(5);
          console.log(pair.join('='));
          console.log(Color.Red, Color.Green, Color.Blue, Color[5]);
          console.log(first<string>(['a', 'b']), first<number>([]) ?? 'none');
          console.log(new NumberBox().add(1).add(2.5).describe());
          const value = <const>{ kind: 'x' } satisfies { kind: string };
          console.log(value.kind as string);
        }
        main().then(() => console.log('done'));
        """;

    Execution.Result result = run(source);

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("square=9\n0 green 5 Blue\na none\n1.0,2.5\nx\ndone\n");
  }

  @Test
  void reportsTypeSyntaxErrorAsCompileErrorAtTheUsersLine() {
    String source = "const a: number = 1;\nconsole.log(a);\nlet b: = 2;\n";

    Execution.Result result = run(source);

    assertThat(result.status()).isEqualTo(Execution.Status.FAILED);
    assertThat(result.failureReason()).hasValue(Execution.FailureReason.COMPILE_ERROR);
    assertThat(result.stderr()).startsWith("main.ts(3,8): error TS").contains("Type expected");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void doesNotCheckTypes() {
    // Like tsx and ts-node --transpile-only: types are erased, a type mismatch is not an error.
    Execution.Result result =
        run("const n: number = 'not a number' as any as number;\nconsole.log(n);\n");

    assertThat(result.stdout()).isEqualTo("not a number\n");
  }

  @Test
  void toleratesTopLevelExport() {
    Execution.Result result =
        run(
            "export const answer: number = 42;\nexport function twice(x: number) { return 2 * x; }\n"
                + "console.log(twice(answer));\n");

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("84\n");
  }

  @Test
  void importsNodeBuiltins() {
    Execution.Result result =
        run(
            "import path from 'path';\nimport { EOL } from 'os';\nimport * as util from 'util';\n"
                + "process.stdout.write(path.join('a', 'b') + ' ' + util.format('%d', 7) + EOL);\n");

    assertThat(result.status())
        .as("stderr: %s", result.stderr())
        .isEqualTo(Execution.Status.COMPLETED);
    assertThat(result.stdout()).isEqualTo("a/b 7\n");
  }

  @Test
  void pointsRuntimeErrorsAtTypeScriptLines() {
    String source =
        "interface Unused { x: number }\ntype Alias = string;\n\nfunction fail(message: Alias): never {\n"
            + "  throw new Error(message);\n}\nfail('boom');\n";

    Execution.Result result = run(source);

    assertThat(result.failureReason()).hasValue(Execution.FailureReason.RUNTIME_ERROR);
    assertThat(result.stderr()).contains("main.ts:5").contains("Error: boom");
  }

  @Test
  void replacesTranspilersThatDie() {
    assertThat(run(printLine("warm")).stdout()).isEqualTo("warm\n");
    TypeScriptRunner runner = (TypeScriptRunner) registeredRunner();
    List<Long> pids = runner.transpilerPids();
    assertThat(pids).isNotEmpty();
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      ProcessHandle.of(pid).ifPresent(handle -> handle.onExit().join());
    }

    Execution.Result result = run(printLine("again"));

    assertThat(result.stdout()).isEqualTo("again\n");
    assertThat(runner.transpilerPids()).isNotEmpty().doesNotContainAnyElementsOf(pids);
  }

  @Test
  void getsTheSameLimitsAsOtherLanguages() {
    Execution.Result result =
        run(
            "console.log('before');\nwhile (true) {}\n",
            request ->
                request.withLimits(
                    dev.livecode.core.Limits.Overrides.NONE.withWallTime(Duration.ofSeconds(1))));

    assertThat(result.status()).isEqualTo(Execution.Status.TIMEOUT);
    assertThat(result.stdout()).isEqualTo("before\n");
    assertThat(result.stderr()).endsWith("Execution Timed Out");
  }
}
