// https://terraform.local/providers/microseg/microseg/latest/docs/data-sources/reachability
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface DataMicrosegReachabilityConfig extends cdktf.TerraformMetaArguments {
  /**
  * Destination: an entity name or an IP address.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/data-sources/reachability#dst DataMicrosegReachability#dst}
  */
  readonly dst: string;
  /**
  * ICMP code (icmp/icmpv6), 0-255.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/data-sources/reachability#icmp_code DataMicrosegReachability#icmp_code}
  */
  readonly icmpCode?: number;
  /**
  * ICMP type (icmp/icmpv6), 0-255.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/data-sources/reachability#icmp_type DataMicrosegReachability#icmp_type}
  */
  readonly icmpType?: number;
  /**
  * Destination port (tcp/udp/sctp), 1-65535.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/data-sources/reachability#port DataMicrosegReachability#port}
  */
  readonly port?: number;
  /**
  * The connection protocol: tcp, udp, sctp, icmp, icmpv6, or another IP protocol by name (gre, esp, …) or number.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/data-sources/reachability#protocol DataMicrosegReachability#protocol}
  */
  readonly protocol: string;
  /**
  * Source: an entity name or an IP address.
  *
  * Docs at Terraform Registry: {@link https://terraform.local/providers/microseg/microseg/latest/docs/data-sources/reachability#src DataMicrosegReachability#src}
  */
  readonly src: string;
}
export interface DataMicrosegReachabilityDrafts {
}

export function dataMicrosegReachabilityDraftsToTerraform(struct?: DataMicrosegReachabilityDrafts): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
  }
}


export function dataMicrosegReachabilityDraftsToHclTerraform(struct?: DataMicrosegReachabilityDrafts): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
  };
  return attrs;
}

export class DataMicrosegReachabilityDraftsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): DataMicrosegReachabilityDrafts | undefined {
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: DataMicrosegReachabilityDrafts | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
    }
  }

  // kind - computed: true, optional: false, required: false
  public get kind() {
    return this.getStringAttribute('kind');
  }

  // rule - computed: true, optional: false, required: false
  public get rule() {
    return this.getStringAttribute('rule');
  }

  // verdict - computed: true, optional: false, required: false
  public get verdict() {
    return this.getStringAttribute('verdict');
  }
}

export class DataMicrosegReachabilityDraftsList extends cdktf.ComplexList {

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): DataMicrosegReachabilityDraftsOutputReference {
    return new DataMicrosegReachabilityDraftsOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://terraform.local/providers/microseg/microseg/latest/docs/data-sources/reachability microseg_reachability}
*/
export class DataMicrosegReachability extends cdktf.TerraformDataSource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "microseg_reachability";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a DataMicrosegReachability resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the DataMicrosegReachability to import
  * @param importFromId The id of the existing DataMicrosegReachability that should be imported. Refer to the {@link https://terraform.local/providers/microseg/microseg/latest/docs/data-sources/reachability#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the DataMicrosegReachability to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "microseg_reachability", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://terraform.local/providers/microseg/microseg/latest/docs/data-sources/reachability microseg_reachability} Data Source
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options DataMicrosegReachabilityConfig
  */
  public constructor(scope: Construct, id: string, config: DataMicrosegReachabilityConfig) {
    super(scope, id, {
      terraformResourceType: 'microseg_reachability',
      terraformGeneratorMetadata: {
        providerName: 'microseg'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._dst = config.dst;
    this._icmpCode = config.icmpCode;
    this._icmpType = config.icmpType;
    this._port = config.port;
    this._protocol = config.protocol;
    this._src = config.src;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // drafts - computed: true, optional: false, required: false
  private _drafts = new DataMicrosegReachabilityDraftsList(this, "drafts", false);
  public get drafts() {
    return this._drafts;
  }

  // dst - computed: false, optional: false, required: true
  private _dst?: string; 
  public get dst() {
    return this.getStringAttribute('dst');
  }
  public set dst(value: string) {
    this._dst = value;
  }
  // Temporarily expose input value. Use with caution.
  public get dstInput() {
    return this._dst;
  }

  // icmp_code - computed: false, optional: true, required: false
  private _icmpCode?: number; 
  public get icmpCode() {
    return this.getNumberAttribute('icmp_code');
  }
  public set icmpCode(value: number) {
    this._icmpCode = value;
  }
  public resetIcmpCode() {
    this._icmpCode = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get icmpCodeInput() {
    return this._icmpCode;
  }

  // icmp_type - computed: false, optional: true, required: false
  private _icmpType?: number; 
  public get icmpType() {
    return this.getNumberAttribute('icmp_type');
  }
  public set icmpType(value: number) {
    this._icmpType = value;
  }
  public resetIcmpType() {
    this._icmpType = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get icmpTypeInput() {
    return this._icmpType;
  }

  // layer - computed: true, optional: false, required: false
  public get layer() {
    return this.getStringAttribute('layer');
  }

  // mode - computed: true, optional: false, required: false
  public get mode() {
    return this.getStringAttribute('mode');
  }

  // port - computed: false, optional: true, required: false
  private _port?: number; 
  public get port() {
    return this.getNumberAttribute('port');
  }
  public set port(value: number) {
    this._port = value;
  }
  public resetPort() {
    this._port = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get portInput() {
    return this._port;
  }

  // protocol - computed: false, optional: false, required: true
  private _protocol?: string; 
  public get protocol() {
    return this.getStringAttribute('protocol');
  }
  public set protocol(value: string) {
    this._protocol = value;
  }
  // Temporarily expose input value. Use with caution.
  public get protocolInput() {
    return this._protocol;
  }

  // rule - computed: true, optional: false, required: false
  public get rule() {
    return this.getStringAttribute('rule');
  }

  // src - computed: false, optional: false, required: true
  private _src?: string; 
  public get src() {
    return this.getStringAttribute('src');
  }
  public set src(value: string) {
    this._src = value;
  }
  // Temporarily expose input value. Use with caution.
  public get srcInput() {
    return this._src;
  }

  // verdict - computed: true, optional: false, required: false
  public get verdict() {
    return this.getStringAttribute('verdict');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      dst: cdktf.stringToTerraform(this._dst),
      icmp_code: cdktf.numberToTerraform(this._icmpCode),
      icmp_type: cdktf.numberToTerraform(this._icmpType),
      port: cdktf.numberToTerraform(this._port),
      protocol: cdktf.stringToTerraform(this._protocol),
      src: cdktf.stringToTerraform(this._src),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      dst: {
        value: cdktf.stringToHclTerraform(this._dst),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      icmp_code: {
        value: cdktf.numberToHclTerraform(this._icmpCode),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      icmp_type: {
        value: cdktf.numberToHclTerraform(this._icmpType),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      port: {
        value: cdktf.numberToHclTerraform(this._port),
        isBlock: false,
        type: "simple",
        storageClassType: "number",
      },
      protocol: {
        value: cdktf.stringToHclTerraform(this._protocol),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      src: {
        value: cdktf.stringToHclTerraform(this._src),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
