package dev.livecode.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries the module tree promises, on every module's main classes. A module's {@code
 * internal} packages are its own: another module never touches them, and no public type shows one
 * in what it exposes. Core's public packages stay small enough to hold in one's head.
 */
class ArchitectureTest {
  /** Core's public API, counted by top-level public type: nested types do not count. */
  static final List<String> CORE_PUBLIC_PACKAGES =
      List.of("dev.livecode.core", "dev.livecode.core.spi", "dev.livecode.core.exception");

  static final int CORE_PUBLIC_TYPES_BELOW = 20;

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.livecode");
    assertThat(classes.stream().map(JavaClass::getPackageName))
        .as("the classes of every module are on the class path")
        .contains(
            "dev.livecode.core",
            "dev.livecode.sandbox",
            "dev.livecode.http",
            "dev.livecode.server",
            "dev.livecode.store.mysql",
            "dev.livecode.queue.redis",
            "dev.livecode.runner.python",
            "dev.livecode.benchmarks",
            "dev.livecode.testing");
  }

  @Test
  void noModuleReachesIntoAnotherModulesInternals() {
    assertThat(usesOfOtherModulesInternals(classes))
        .as("uses of another module's internal classes")
        .isEmpty();
  }

  @Test
  void publicTypesExposeNoInternalType() {
    assertThat(internalTypesExposed(classes)).as("internal types in public signatures").isEmpty();
  }

  @Test
  void rulesCatchAModuleThatUsesAnothersInternalsAndExposesThem() {
    JavaClasses fixture =
        new ClassFileImporter()
            .importClasses(
                dev.livecode.architecture.fixture.alpha.internal.Hidden.class,
                dev.livecode.architecture.fixture.alpha.Api.class,
                dev.livecode.architecture.fixture.beta.Leaker.class);
    assertThat(usesOfOtherModulesInternals(fixture))
        .containsExactly(
            "dev.livecode.architecture.fixture.beta.Leaker -> dev.livecode.architecture.fixture.alpha.internal.Hidden");
    assertThat(internalTypesExposed(fixture))
        .containsExactly(
            "dev.livecode.architecture.fixture.alpha.Api exposes dev.livecode.architecture.fixture.alpha.internal.Hidden",
            "dev.livecode.architecture.fixture.beta.Leaker exposes dev.livecode.architecture.fixture.alpha.internal.Hidden");
  }

  static Set<String> usesOfOtherModulesInternals(JavaClasses classes) {
    Set<String> violations = new TreeSet<>();
    for (JavaClass origin : classes) {
      for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
        JavaClass target = dependency.getTargetClass();
        ownerOfInternal(target.getPackageName())
            .filter(owner -> !within(origin.getPackageName(), owner))
            .ifPresent(owner -> violations.add(origin.getName() + " -> " + target.getName()));
      }
    }
    return violations;
  }

  static Set<String> internalTypesExposed(JavaClasses classes) {
    Set<String> violations = new TreeSet<>();
    for (JavaClass type : classes) {
      if (isInternal(type.getPackageName()) || !type.getModifiers().contains(JavaModifier.PUBLIC)) {
        continue;
      }
      exposedTypes(type)
          .filter(exposed -> isInternal(exposed.getPackageName()))
          .forEach(exposed -> violations.add(type.getName() + " exposes " + exposed.getName()));
    }
    return violations;
  }

  @Test
  void corePublicApiHasFewerThanTwentyTypes() {
    Set<String> publicTypes = new TreeSet<>();
    for (JavaClass type : classes) {
      if (CORE_PUBLIC_PACKAGES.contains(type.getPackageName())
          && type.isTopLevelClass()
          && type.getModifiers().contains(JavaModifier.PUBLIC)
          && !type.getSimpleName().equals("package-info")) {
        publicTypes.add(type.getName());
      }
    }
    assertThat(publicTypes)
        .as("core's public top-level types: nest a record in the one type it belongs to")
        .hasSizeLessThan(CORE_PUBLIC_TYPES_BELOW);
  }

  /**
   * What a caller of {@code type} sees: supertypes, public fields, and public or protected members.
   */
  private static Stream<JavaClass> exposedTypes(JavaClass type) {
    Stream<JavaClass> supertypes =
        Stream.concat(type.getRawSuperclass().stream(), type.getRawInterfaces().stream());
    Stream<JavaClass> fields =
        type.getFields().stream().filter(ArchitectureTest::visible).map(f -> f.getRawType());
    Stream<JavaClass> methods =
        type.getCodeUnits().stream()
            .filter(ArchitectureTest::visible)
            .flatMap(
                unit ->
                    Stream.concat(
                        Stream.of(unit.getRawReturnType()), unit.getRawParameterTypes().stream()));
    return Stream.of(supertypes, fields, methods).flatMap(s -> s);
  }

  private static boolean visible(JavaMember member) {
    Set<JavaModifier> modifiers = member.getModifiers();
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  private static boolean isInternal(String packageName) {
    return ownerOfInternal(packageName).isPresent();
  }

  /**
   * The package of the module that owns an internal package ({@code a.b.internal.c} -> {@code
   * a.b}).
   */
  private static Optional<String> ownerOfInternal(String packageName) {
    int at = (packageName + ".").indexOf(".internal.");
    return at < 0 ? Optional.empty() : Optional.of(packageName.substring(0, at));
  }

  private static boolean within(String packageName, String root) {
    return packageName.equals(root) || packageName.startsWith(root + ".");
  }
}
