package dev.rlhf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.rlhf.lm.Constants;
import dev.rlhf.lm.io.SafeTensors;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The DJL calls that make arrays over Java buffers stay out of the project's code (lm/README.md, "Constants"): in
 * DJL 0.35.1 the scalar of {@code NDArray.mul(Number)} and its siblings, and every {@code NDManager.create(javaData)},
 * is a tensor over a Java direct buffer that autograd can read after the garbage collector has freed it. Every main
 * class of every module is checked (this module's test class path holds them all).
 */
class DjlUsageTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.rlhf");

    /**
     * {@code clip(Number, Number)} is the one exception: DJL makes its bounds in the array's manager and leaves them
     * open there (no try-with-resources), so they live as long as the step that uses them.
     */
    @Test
    void noNumberOverloadOfNDArray() {
        noClasses().should().callMethodWhere(DescribedPredicate.describe("an NDArray method taking a Number",
                        (JavaMethodCall call) -> call.getTargetOwner().isAssignableTo(NDArray.class)
                                && !call.getName().equals("clip")
                                && call.getTarget().getRawParameterTypes().stream()
                                .anyMatch(t -> t.isEquivalentTo(Number.class))))
                .because("the scalar is freed before backward reads it; use Constants.scalar(like, value)")
                .check(MAIN);
    }

    @Test
    void arraysFromJavaDataOnlyThroughConstants() {
        noClasses().that().doNotBelongToAnyOf(Constants.class, SafeTensors.class)
                .should().callMethodWhere(DescribedPredicate.describe("NDManager.create from Java data",
                        (JavaMethodCall call) -> call.getTargetOwner().isAssignableTo(NDManager.class)
                                && call.getName().equals("create") && !isEmptyArrayOfShape(call)))
                .because("the array's storage is a Java buffer; use Constants.floats/ints/longs (a libtorch copy)")
                .check(MAIN);
    }

    /** create(Shape[, DataType[, Device]]): storage from libtorch, no Java data. */
    private static boolean isEmptyArrayOfShape(JavaMethodCall call) {
        List<JavaClass> params = call.getTarget().getRawParameterTypes();
        return !params.isEmpty() && params.get(0).isEquivalentTo(Shape.class)
                && (params.size() == 1 || params.get(1).isEquivalentTo(DataType.class));
    }

    @Test
    void theRulesSeeTheClasses() {
        // A rule over no classes passes whatever they do: make sure the trainers were imported.
        for (String name : List.of("dev.rlhf.lm.GPT2Block", "dev.rlhf.reward.PreferenceLoss", "dev.rlhf.ppo.PpoTrainer")) {
            if (!MAIN.contain(name)) throw new AssertionError(name + " was not imported");
        }
    }
}
